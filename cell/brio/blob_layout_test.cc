#include "cell/brio/blob_layout.h"

#include <gtest/gtest.h>

#include "cell/brio/test_schemas.h"

namespace datablox::brio {
namespace {

TEST(BlobLayoutTest, EventIsVersionBitmapThenScalarsAtTheirSmallestWidths) {
  const Schema schema = testing::UnitySchema();
  SchemaLayout layout;
  ASSERT_TRUE(SchemaLayout::Make(schema, &layout).ok());
  const StructureLayout& event = layout.Get(2, 2);
  EXPECT_EQ(event.bitmap_bytes, 1);
  EXPECT_EQ(event.fields[0].fixed_offset, 2);   // ts: after the version byte and the bitmap
  EXPECT_EQ(event.fields[1].fixed_offset, 10);  // type: a 4-byte dictionary key
  EXPECT_EQ(event.fields[2].fixed_offset, 14);  // value
  EXPECT_EQ(event.instance_bytes, 22);
  EXPECT_TRUE(layout.IsFixedSize(2, 2));
  EXPECT_FALSE(layout.IsFixedSize(1, 2));
}

TEST(BlobLayoutTest, FieldAddedInVersionTwoHasNoBytesAtVersionOne) {
  const Schema schema = testing::UnitySchema();
  SchemaLayout layout;
  ASSERT_TRUE(SchemaLayout::Make(schema, &layout).ok());
  const StructureLayout& v1 = layout.Get(0, 1);
  const StructureLayout& v2 = layout.Get(0, 2);
  EXPECT_FALSE(v1.fields[5].present);
  EXPECT_TRUE(v2.fields[5].present);
  // id, country: fixed; sessions, tags, traits: three table entries; os at v2 one more key.
  EXPECT_EQ(v1.instance_bytes, 1 + 1 + 4 + 4 + 3 * 4);
  EXPECT_EQ(v2.instance_bytes, v1.instance_bytes + 4);
  EXPECT_EQ(v2.fields[5].null_bit, 5);
  EXPECT_EQ(v1.relation_count, 3);
  EXPECT_EQ(v1.present_fields, 5);
  EXPECT_EQ(v2.present_fields, 6);
}

TEST(BlobLayoutTest, UnresolvedStructureIsAnErrorWithItsPosition) {
  Schema schema = testing::UnitySchema();
  schema.structures[0].fields[2].structure_index = -1;
  schema.structures[0].fields[2].pos = {7, 3};
  SchemaLayout layout;
  const Status st = SchemaLayout::Make(schema, &layout);
  EXPECT_EQ(st.ToString(), "Invalid: schema:7:3: User.sessions: structure 'Session' is not resolved");
}

TEST(BlobLayoutTest, VersionAboveOneByteIsAnError) {
  Schema schema = testing::UnitySchema();
  schema.version = 256;
  SchemaLayout layout;
  EXPECT_FALSE(SchemaLayout::Make(schema, &layout).ok());
}

}  // namespace
}  // namespace datablox::brio
