// Schemas that parse: every feature of the language, and round trips through
// SchemaSourceText.
#include "cell/brio/schema_parser.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <random>

#include "cell/brio/schema_describe.h"
#include "cell/brio/schema_limits.h"
#include "cell/brio/schema_test_util.h"

namespace datablox::brio {
namespace {

using testing::ParseClean;
using testing::WithUser;

// The example at the top of schema.h, with both comment styles.
constexpr const char* kUnity = R"(# the behavioural data
schema unity {
  version: 2
  root) user : User
  structure User {
    0) id : string key
    1) country : string
    2) sessions : vector[Session]
    3) tags : vector[string]
    4) traits : map[string, long]
    5) os : string since 2        // added in version 2: null in older blobs
  }
  structure Session { 0) id : long key  1) start : long ordinal  2) events : vector[Event] }
  structure Event { 0) ts : long ordinal  1) type : string  2) value : double }
}
)";

// Everything but positions.
void ExpectSameSchema(const Schema& a, const Schema& b) {
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.version, b.version);
  EXPECT_EQ(a.root_name, b.root_name);
  EXPECT_EQ(a.root_structure, b.root_structure);
  ASSERT_EQ(a.structures.size(), b.structures.size());
  for (size_t s = 0; s < a.structures.size(); ++s) {
    const Structure& x = a.structures[s];
    const Structure& y = b.structures[s];
    EXPECT_EQ(x.name, y.name);
    ASSERT_EQ(x.fields.size(), y.fields.size()) << x.name;
    for (size_t f = 0; f < x.fields.size(); ++f) {
      const Field& p = x.fields[f];
      const Field& q = y.fields[f];
      EXPECT_EQ(p.ordinal, q.ordinal);
      EXPECT_EQ(p.name, q.name);
      EXPECT_EQ(p.kind, q.kind) << p.name;
      EXPECT_EQ(p.scalar, q.scalar) << p.name;
      EXPECT_EQ(p.map_key, q.map_key) << p.name;
      EXPECT_EQ(p.structure, q.structure) << p.name;
      EXPECT_EQ(p.structure_index, q.structure_index) << p.name;
      EXPECT_EQ(p.key, q.key) << p.name;
      EXPECT_EQ(p.ordering, q.ordering) << p.name;
      EXPECT_EQ(p.since_version, q.since_version) << p.name;
    }
  }
}

// Parses `text` cleanly, prints it, parses that: the same schema.
Schema RoundTrip(const std::string& text) {
  std::vector<std::string> errors;
  Schema first = ParseClean(text, &errors);
  EXPECT_EQ(errors, std::vector<std::string>{});
  const std::string printed = SchemaSourceText(first);
  Schema second = ParseClean(printed, &errors);
  EXPECT_EQ(errors, std::vector<std::string>{}) << printed;
  ExpectSameSchema(first, second);
  EXPECT_EQ(SchemaSourceText(second), printed);
  return first;
}

TEST(SchemaParser, TheModelExampleParsesIntoItsTree) {
  const Schema schema = RoundTrip(kUnity);
  EXPECT_EQ(schema.name, "unity");
  EXPECT_EQ(schema.version, 2);
  EXPECT_EQ(schema.root_name, "user");
  ASSERT_EQ(schema.root_structure, 0);
  const Structure& user = schema.root();
  ASSERT_EQ(user.fields.size(), 6u);
  EXPECT_EQ(user.pos.line, 5);
  EXPECT_EQ(user.pos.column, 13);

  const Field& id = user.fields[0];
  EXPECT_EQ(id.kind, FieldKind::kScalar);
  EXPECT_EQ(id.scalar, ScalarType::kString);
  EXPECT_TRUE(id.key);
  EXPECT_EQ(id.pos.line, 6);
  EXPECT_EQ(id.pos.column, 8);

  const Field& sessions = *user.FindField("sessions");
  EXPECT_EQ(sessions.kind, FieldKind::kReferenceVector);
  EXPECT_EQ(sessions.structure, "Session");
  EXPECT_EQ(sessions.structure_index, 1);

  const Field& tags = *user.FindField("tags");
  EXPECT_EQ(tags.kind, FieldKind::kScalarVector);
  EXPECT_EQ(tags.scalar, ScalarType::kString);

  const Field& traits = *user.FindField("traits");
  EXPECT_EQ(traits.kind, FieldKind::kScalarMap);
  EXPECT_EQ(traits.map_key, ScalarType::kString);
  EXPECT_EQ(traits.scalar, ScalarType::kLong);

  EXPECT_EQ(user.FindField("os")->since_version, 2);
  EXPECT_EQ(user.FindField("country")->since_version, 1);

  const Structure& session = schema.structures[1];
  EXPECT_TRUE(session.FindField("start")->ordering);
  EXPECT_FALSE(session.FindField("start")->key);
  EXPECT_EQ(session.FindField("events")->structure_index, 2);
  EXPECT_EQ(schema.structures[2].FindField("value")->scalar, ScalarType::kDouble);
}

TEST(SchemaParser, EveryScalarTypeInEveryPlace) {
  const char* names[] = {"boolean", "byte", "short", "integer", "long", "double", "string"};
  std::string fields;
  int ordinal = 0;
  for (const char* name : names) {
    fields += "    " + std::to_string(ordinal++) + ") s_" + name + " : " + name + "\n";
    fields += "    " + std::to_string(ordinal++) + ") v_" + name + " : vector[" + name + "]\n";
    fields += "    " + std::to_string(ordinal++) + ") m_" + name + " : map[" + name + ", " + name + "]\n";
  }
  const Schema schema = RoundTrip(WithUser("  structure User {\n" + fields + "  }\n"));
  const Structure& user = schema.root();
  ASSERT_EQ(user.fields.size(), 21u);
  for (const char* name : names) {
    const ScalarType type = *ScalarTypeFromName(name);
    const std::string n = name;
    EXPECT_EQ(user.FindField("s_" + n)->kind, FieldKind::kScalar);
    EXPECT_EQ(user.FindField("s_" + n)->scalar, type);
    EXPECT_EQ(user.FindField("v_" + n)->kind, FieldKind::kScalarVector);
    EXPECT_EQ(user.FindField("v_" + n)->scalar, type);
    EXPECT_EQ(user.FindField("m_" + n)->map_key, type);
    EXPECT_EQ(user.FindField("m_" + n)->scalar, type);
  }
}

TEST(SchemaParser, FieldsAreSortedByOrdinalWhateverTheOrderWritten) {
  const Schema schema = RoundTrip(WithUser("  structure User { 2) c : long  0) a : long  1) b : long }\n"));
  const Structure& user = schema.root();
  EXPECT_EQ(user.fields[0].name, "a");
  EXPECT_EQ(user.fields[1].name, "b");
  EXPECT_EQ(user.fields[2].name, "c");
  EXPECT_EQ(user.fields[2].ordinal, 2);
}

TEST(SchemaParser, AStructureMayBeUsedBeforeItIsDeclaredAndByOneReference) {
  const Schema schema = RoundTrip(
      "schema s { version: 1 structure User { 0) home : Address 1) work : Address } root) user : User "
      "structure Address { 0) city : string } }");
  EXPECT_EQ(schema.root_structure, 0);
  const Field& home = schema.root().fields[0];
  EXPECT_EQ(home.kind, FieldKind::kReference);
  EXPECT_EQ(home.structure_index, 1);
  EXPECT_EQ(schema.root().fields[1].structure_index, 1);  // two relations to one structure: still a tree
}

TEST(SchemaParser, MarksComeInAnyOrder) {
  const Schema schema =
      RoundTrip(WithUser("  structure User { 0) id : long since 1 ordinal key  1) x : short since 3 }\n", 3));
  const Field& id = schema.root().fields[0];
  EXPECT_TRUE(id.key);
  EXPECT_TRUE(id.ordering);
  EXPECT_EQ(id.since_version, 1);
  EXPECT_EQ(schema.root().fields[1].since_version, 3);
}

TEST(SchemaParser, AStructureWithoutFieldsAndOneTheRootDoesNotReachAreFine) {
  const Schema schema = RoundTrip(WithUser("  structure User { }\n  structure Spare { 0) x : byte }\n"));
  EXPECT_TRUE(schema.root().fields.empty());
  EXPECT_EQ(schema.structures.size(), 2u);
}

// A file cut anywhere is an error, never a crash or a schema, and every
// error points into the text.
TEST(SchemaParser, EveryTruncationOfTheExampleIsReportedInsideTheText) {
  const std::string text = kUnity;
  const std::string body_end = text.substr(0, text.rfind('}'));
  for (size_t cut = 0; cut <= body_end.size(); ++cut) {
    std::vector<SchemaError> errors;
    ParseSchema(text.substr(0, cut), "t.brio", &errors);
    ASSERT_FALSE(errors.empty()) << "cut at " << cut;
    for (const SchemaError& e : errors) {
      EXPECT_GE(e.pos.line, 1) << e.ToString();
      EXPECT_LE(e.pos.line, 16) << e.ToString();
      EXPECT_GE(e.pos.column, 1) << e.ToString();
    }
  }
}

// Random edits of the example (a fixed seed: the same edits every run) in the
// characters the language cares about: whatever comes of them is parsed and
// checked without a crash (the ASan build runs this too), and every error
// points into the text.
TEST(SchemaParser, RandomEditsOfTheExampleAreReportedInsideTheText) {
  const std::string original = kUnity;
  const std::string alphabet = "{}[]():, \n#/0123456789keyordinalsincevectormapUserSessionEvent";
  std::mt19937 random(20261201);
  auto below = [&](size_t n) { return static_cast<size_t>(random() % n); };
  for (int variant = 0; variant < 3000; ++variant) {
    std::string text = original;
    for (size_t edits = 1 + below(4); edits > 0; --edits) {
      const size_t at = below(text.size());
      switch (below(3)) {
        case 0: text.erase(at, 1 + below(8)); break;
        case 1: text.insert(at, 1, alphabet[below(alphabet.size())]); break;
        default: text[at] = alphabet[below(alphabet.size())]; break;
      }
    }
    const int lines = 1 + static_cast<int>(std::count(text.begin(), text.end(), '\n'));
    std::vector<SchemaError> errors;
    ParseSchema(text, "t.brio", &errors);
    for (const SchemaError& e : errors) {
      ASSERT_GE(e.pos.line, 1) << e.ToString() << "\n" << text;
      ASSERT_LE(e.pos.line, lines) << e.ToString() << "\n" << text;
      ASSERT_GE(e.pos.column, 1) << e.ToString() << "\n" << text;
    }
  }
}

TEST(SchemaParser, LoadSchemaReadsAFileAndSaysWhyNot) {
  char path[] = "/tmp/brio_schema_testXXXXXX";
  const int fd = ::mkstemp(path);
  ASSERT_GE(fd, 0);
  ::close(fd);
  std::ofstream(path) << kUnity;
  Schema schema;
  const Status ok = LoadSchema(path, &schema);
  EXPECT_TRUE(ok.ok()) << ok.ToString();
  EXPECT_EQ(schema.name, "unity");

  std::ofstream(path) << "schema s { version: 1 }";
  const Status invalid = LoadSchema(path, &schema);
  EXPECT_EQ(invalid.code(), Status::Code::kInvalid);
  EXPECT_EQ(invalid.message(),
            std::string(path) + ":1:23: error: the schema has no root (write 'root) NAME : STRUCTURE' in it)");
  std::remove(path);
  const Status missing = LoadSchema(path, &schema);
  EXPECT_EQ(missing.code(), Status::Code::kIOError);
  EXPECT_EQ(missing.message(), "cannot read " + std::string(path) + ": No such file or directory");
}

TEST(SchemaParser, AFileOverTheSizeLimitIsOneErrorWhereItPassesIt) {
  char path[] = "/tmp/brio_schema_testXXXXXX";
  const int fd = ::mkstemp(path);
  ASSERT_GE(fd, 0);
  ::close(fd);
  // Lines of 1023 spaces and a newline: the limit falls on line 1025, column 1.
  std::string line(1023, ' ');
  line += '\n';
  std::string text;
  while (text.size() <= kMaxSchemaBytes) text += line;
  std::ofstream(path) << text;
  std::vector<SchemaError> errors;
  std::string read;
  EXPECT_FALSE(ReadSchemaFile(path, &read, &errors));
  std::remove(path);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].ToString(),
            std::string(path) + ":1025:1: error: file is larger than 1 MiB (the limit for a schema file)");
  EXPECT_TRUE(read.empty());
}

TEST(SchemaParser, CheckSchemaResolvesASchemaBuiltInCode) {
  Schema schema;
  schema.name = "built";
  schema.root_name = "user";
  schema.root_structure = 0;
  Structure user{"User", {}, {}};
  Field sessions;
  sessions.ordinal = 1;
  sessions.name = "sessions";
  sessions.kind = FieldKind::kReferenceVector;
  sessions.structure = "Session";
  Field id;
  id.name = "id";
  id.key = true;
  user.fields = {sessions, id};
  Structure session{"Session", {}, {}};
  Field start;
  start.name = "start";
  start.ordering = true;
  session.fields = {start};
  schema.structures = {user, session};
  std::vector<SchemaError> errors;
  CheckSchema(&schema, "built", &errors);
  EXPECT_TRUE(errors.empty()) << errors.front().ToString();
  EXPECT_EQ(schema.root().fields[0].name, "id");
  EXPECT_EQ(schema.root().fields[1].structure_index, 1);
}

}  // namespace
}  // namespace datablox::brio
