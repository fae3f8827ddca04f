// The checks after the syntax (schema_check.cc): one test per error path.
#include <gtest/gtest.h>

#include "cell/brio/schema_limits.h"
#include "cell/brio/schema_test_util.h"

namespace datablox::brio {
namespace {

using testing::ErrorsOf;
using testing::WithUser;
using Lines = std::vector<std::string>;

TEST(SchemaCheck, AnUnknownTypeIsSuggestedAScalarOrAStructure) {
  EXPECT_EQ(ErrorsOf(WithUser("  structure User {\n    0) s : vector[Sesion]\n    1) n : strng key\n  }\n"
                              "  structure Session { }\n")),
            (Lines{"5:19: unknown type 'Sesion' (neither a scalar nor a structure of this schema); did you mean "
                   "'Session'?",
                   // no "'key' on a strng" after it: the unknown type is said once
                   "6:12: unknown type 'strng' (neither a scalar nor a structure of this schema); did you mean "
                   "'string'?"}));
}

TEST(SchemaCheck, TheRootMustBeAStructureOfTheSchema) {
  EXPECT_EQ(ErrorsOf("schema s {\n  version: 1\n  root) user : Usr\n  structure User { }\n}"),
            (Lines{"3:16: unknown structure 'Usr' for the root 'user'; did you mean 'User'?"}));
  EXPECT_EQ(ErrorsOf("schema s {\n  version: 1\n  root) user : long\n  structure User { }\n}"),
            (Lines{"3:16: the root 'user' is a structure, not the scalar 'long'"}));
}

TEST(SchemaCheck, NamesAreUnique) {
  EXPECT_EQ(ErrorsOf(WithUser("  structure User { 0) a : long  1) a : long }\n  structure User { }\n")),
            (Lines{"4:36: field 'a' declared twice in structure 'User' (first at line 4, column 23)",
                   "5:13: structure 'User' declared twice (first at line 4, column 13)"}));
}

TEST(SchemaCheck, OrdinalsAreZeroToNMinusOneEachOnce) {
  EXPECT_EQ(ErrorsOf(WithUser("  structure User { 0) a : long  0) b : long }\n")),
            (Lines{"4:36: ordinal 0 given twice in structure 'User' (field 'a' at line 4, column 23 has it)"}));
  EXPECT_EQ(ErrorsOf(WithUser("  structure User { 0) a : long  3) b : long  4) c : long }\n")),
            (Lines{"4:36: ordinal 3 of field 'b' is out of range: structure 'User' has 3 fields, numbered 0..2 (1, "
                   "2 missing)",
                   "4:49: ordinal 4 of field 'c' is out of range: structure 'User' has 3 fields, numbered 0..2 (1, "
                   "2 missing)"}));
}

TEST(SchemaCheck, AFieldThatDidNotParseKeepsItsOrdinal) {
  // Ordinal 1 is in the broken field: no "1 missing" echo of its syntax error.
  EXPECT_EQ(ErrorsOf(WithUser("  structure User {\n    0) a : long\n    1) b long\n    2) c : long\n  }\n")),
            (Lines{"6:10: expected ':' after field name 'b', found 'long'"}));
}

TEST(SchemaCheck, KeyAndOrdinalMarkScalarFieldsOnly) {
  EXPECT_EQ(ErrorsOf(WithUser("  structure User {\n    0) t : vector[string] key\n    1) s : Session ordinal\n  }\n"
                              "  structure Session { }\n")),
            (Lines{"5:27: 'key' on field 't', a vector[string]: only a scalar field can be a key",
                   "6:20: 'ordinal' on field 's', a Session: only a scalar field orders a vector"}));
  EXPECT_EQ(ErrorsOf(WithUser("  structure User {\n    0) m : map[string, long] key\n  }\n")),
            (Lines{"5:30: 'key' on field 'm', a map[string, long]: only a scalar field can be a key"}));
}

TEST(SchemaCheck, AStructureHasOneOrdinalField) {
  EXPECT_EQ(ErrorsOf(WithUser("  structure User { 0) a : long ordinal  1) b : long ordinal }\n")),
            (Lines{"4:53: a second 'ordinal' in structure 'User' (field 'a' is its ordinal already)"}));
}

TEST(SchemaCheck, SinceIsAtMostTheSchemaVersion) {
  EXPECT_EQ(ErrorsOf(WithUser("  structure User { 0) a : long since 2  1) b : long since 3 }\n", 2)),
            (Lines{"4:59: field 'b' is since version 3, but the schema is at version 2"}));
}

TEST(SchemaCheck, AKeyIsInEveryVersion) {
  EXPECT_EQ(ErrorsOf(WithUser("  structure User { 0) id : long key since 2 }\n", 2)),
            (Lines{"4:43: key field 'id' is since version 2: a key is in every version (blobs of version 1 would "
                   "have none)"}));
}

TEST(SchemaCheck, AStructureThatContainsItselfIsAnError) {
  EXPECT_EQ(ErrorsOf(WithUser("  structure User { 0) me : User }\n")),
            (Lines{"4:28: structure 'User' contains itself (User -> User): containment must be a tree, or the "
                   "presser and the reader would recurse without end"}));
  EXPECT_EQ(ErrorsOf(WithUser("  structure User { 0) s : vector[Session] }\n"
                              "  structure Session { 0) e : Event }\n"
                              "  structure Event { 0) back : vector[Session] }\n")),
            (Lines{"6:38: structure 'Session' contains itself (Session -> Event -> Session): containment must be "
                   "a tree, or the presser and the reader would recurse without end"}));
}

TEST(SchemaCheck, TheTreeIsAtMostTheDepthLimit) {
  auto chain = [](int levels) {
    std::string structures = "  structure User { 0) next : S1 }\n";
    for (int i = 1; i < levels; ++i) {
      structures += "  structure S" + std::to_string(i) + " { 0) next : S" + std::to_string(i + 1) + " }\n";
    }
    structures += "  structure S" + std::to_string(levels) + " { 0) leaf : long }\n";
    return WithUser(structures);
  };
  EXPECT_EQ(ErrorsOf(chain(kMaxContainmentDepth)), Lines{});
  EXPECT_EQ(ErrorsOf(chain(kMaxContainmentDepth + 1)),
            (Lines{"3:16: the containment tree is 33 levels deep below the root (the limit is 32)"}));
}

TEST(SchemaCheck, StructuresAndFieldsAreBounded) {
  std::string structures = "  structure User { }\n";
  for (int i = 1; i <= kMaxStructures; ++i) structures += "  structure S" + std::to_string(i) + " { }\n";
  EXPECT_EQ(ErrorsOf(WithUser(structures)), (Lines{"1028:13: more than 1024 structures (the limit for a schema)"}));
  std::string fields;
  for (int i = 0; i <= kMaxFieldsPerStructure; ++i)
    fields += "    " + std::to_string(i) + ") f" + std::to_string(i) + " : long\n";
  EXPECT_EQ(ErrorsOf(WithUser("  structure User {\n" + fields + "  }\n")),
            (Lines{"1029:11: structure 'User' has more than 1024 fields (the limit)"}));
}

// Each suggestion compares with every structure's name: a hostile file of
// many unknown types gets the first hundred only.
TEST(SchemaCheck, SuggestionsStopAfterAHundred) {
  std::string fields;
  for (int i = 0; i < 101; ++i) fields += "    " + std::to_string(i) + ") f" + std::to_string(i) + " : Sesion\n";
  const Lines errors = ErrorsOf(WithUser("  structure User {\n" + fields + "  }\n  structure Session { }\n"));
  ASSERT_EQ(errors.size(), 101u);
  EXPECT_EQ(errors[99],
            "104:15: unknown type 'Sesion' (neither a scalar nor a structure of this schema); did you mean 'Session'?");
  EXPECT_EQ(errors[100], "105:17: unknown type 'Sesion' (neither a scalar nor a structure of this schema)");
}

TEST(SchemaCheck, ASchemaBuiltInCodeIsCheckedAtItsFieldsPositions) {
  Schema schema;
  schema.name = "built";
  Structure user;
  user.name = "User";
  Field bad;
  bad.name = "s";
  bad.ordinal = 1;
  bad.kind = FieldKind::kReference;
  bad.structure = "Nope";
  bad.pos = SchemaPos{7, 3};
  user.fields = {bad};
  schema.structures = {user};
  std::vector<SchemaError> errors;
  CheckSchema(&schema, "built", &errors);
  std::vector<std::string> lines;
  for (const SchemaError& e : errors) lines.push_back(e.ToString());
  EXPECT_EQ(lines, (Lines{"built:7:3: error: ordinal 1 of field 's' is out of range: structure 'User' has 1 field, "
                          "numbered 0..0 (0 missing)",
                          "built:7:3: error: unknown type 'Nope' (neither a scalar nor a structure of this schema)",
                          "built:0:0: error: the schema 'built' has no root structure"}));
}

}  // namespace
}  // namespace datablox::brio
