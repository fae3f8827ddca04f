// Syntax errors of the schema language: one test per error path, each with
// its exact position and message, and recovery (every error of a file in one
// run).
#include <gtest/gtest.h>

#include "cell/brio/schema_limits.h"
#include "cell/brio/schema_test_util.h"

namespace datablox::brio {
namespace {

using testing::ErrorsOf;
using testing::WithUser;
using Lines = std::vector<std::string>;

TEST(SchemaSyntax, AFileMustStartWithTheSchemaWord) {
  EXPECT_EQ(ErrorsOf("structure User { }"), (Lines{"1:1: expected 'schema NAME {', found 'structure'"}));
  EXPECT_EQ(ErrorsOf(""), (Lines{"1:1: expected 'schema NAME {', found end of file"}));
}

TEST(SchemaSyntax, TheSchemaNeedsANameAndABrace) {
  EXPECT_EQ(ErrorsOf("schema { version: 1 root) u : U structure U { } }"),
            (Lines{"1:8: expected the schema's name after 'schema', found '{'"}));
  EXPECT_EQ(ErrorsOf("schema s version: 1 root) u : U structure U { } }"),
            (Lines{"1:10: expected '{' after 'schema s', found 'version'"}));
}

TEST(SchemaSyntax, VersionAndRootAreRequiredOnceEach) {
  EXPECT_EQ(ErrorsOf("schema s {\n  structure U { }\n}"),
            (Lines{"3:1: the schema has no version (write 'version: 1' in it)",
                   "3:1: the schema has no root (write 'root) NAME : STRUCTURE' in it)"}));
  EXPECT_EQ(ErrorsOf(WithUser("  version: 2\n  structure User { }\n")),
            (Lines{"4:3: a second version (the first was given at line 2, column 12)"}));
  EXPECT_EQ(ErrorsOf(WithUser("  root) other : User\n  structure User { }\n")),
            (Lines{"4:3: a second root (the first was declared at line 3, column 3; a schema has one)"}));
}

TEST(SchemaSyntax, VersionsAreNumbersInRange) {
  EXPECT_EQ(ErrorsOf("schema s { version: x root) u : U structure U { } }"),
            (Lines{"1:21: expected a version number after 'version:', found 'x'"}));
  EXPECT_EQ(ErrorsOf("schema s { version: 0 root) u : U structure U { } }"),
            (Lines{"1:21: version 0 is out of range (1..65535)"}));
  EXPECT_EQ(ErrorsOf("schema s { version: 65536 root) u : U structure U { } }"),
            (Lines{"1:21: version 65536 is out of range (1..65535)"}));
}

TEST(SchemaSyntax, AVersionWrittenWronglyIsReportedOnce) {
  // Neither "no version", nor "since 3 is above version 1" (the default), nor
  // "a second version" for the one that follows.
  EXPECT_EQ(ErrorsOf("schema s {\n  version: x\n  root) u : U\n  structure U { 0) a : long since 3 }\n}"),
            (Lines{"2:12: expected a version number after 'version:', found 'x'"}));
  EXPECT_EQ(ErrorsOf("schema s {\n  version: 0\n  version: 3\n  root) u : U\n  structure U { 0) a : long since 3 }\n}"),
            (Lines{"2:12: version 0 is out of range (1..65535)"}));
}

TEST(SchemaSyntax, TheRootIsNameColonStructure) {
  EXPECT_EQ(ErrorsOf("schema s { version: 1 root) : U structure U { } }"),
            (Lines{"1:29: expected the root relation's name after 'root)', found ':'"}));
  EXPECT_EQ(ErrorsOf("schema s { version: 1 root) u U structure U { } }"),
            (Lines{"1:31: expected ':' after root relation 'u', found 'U'"}));
}

TEST(SchemaSyntax, AnUnknownItemIsNamedWithASuggestion) {
  EXPECT_EQ(ErrorsOf(WithUser("  structur Session { }\n  structure User { }\n")),
            (Lines{"4:3: expected 'version: N', 'root) NAME : STRUCTURE' or 'structure NAME {', found "
                   "'structur'; did you mean 'structure'?"}));
}

TEST(SchemaSyntax, AStructureNeedsANameThatIsNoTypeAndABrace) {
  EXPECT_EQ(ErrorsOf(WithUser("  structure { }\n  structure User { }\n")),
            (Lines{"4:13: expected the structure's name after 'structure', found '{'"}));
  EXPECT_EQ(ErrorsOf(WithUser("  structure User 0) a : long }\n")),
            (Lines{"4:18: expected '{' after 'structure User', found '0'"}));
  EXPECT_EQ(ErrorsOf(WithUser("  structure User { }\n  structure string { }\n  structure vector { }\n")),
            (Lines{"5:13: 'string' is a type; a structure needs another name",
                   "6:13: 'vector' is a type; a structure needs another name"}));
}

TEST(SchemaSyntax, AFieldIsOrdinalParenNameColonType) {
  EXPECT_EQ(ErrorsOf(WithUser("  structure User {\n    0 id : long\n  }\n")),
            (Lines{"5:7: expected ')' after ordinal 0, found 'id'"}));
  EXPECT_EQ(ErrorsOf(WithUser("  structure User {\n    id : long\n  }\n")),
            (Lines{"5:5: field 'id' has no ordinal (write 'N) id : TYPE', N from 0)"}));
  EXPECT_EQ(ErrorsOf(WithUser("  structure User {\n    0) : long\n  }\n")),
            (Lines{"5:8: expected a field name after '0)', found ':'"}));
  EXPECT_EQ(ErrorsOf(WithUser("  structure User {\n    0) id long\n  }\n")),
            (Lines{"5:11: expected ':' after field name 'id', found 'long'"}));
  EXPECT_EQ(ErrorsOf(WithUser("  structure User {\n    0) id : 5\n  }\n")),
            (Lines{"5:13: expected a type (a scalar, a structure, vector[...] or map[..., ...]), found '5'"}));
  EXPECT_EQ(ErrorsOf(WithUser("  structure User {\n    : x\n  }\n")),
            (Lines{"5:5: expected a field (N) name : TYPE) or '}', found ':'"}));
}

TEST(SchemaSyntax, AFieldOutsideAStructure) {
  EXPECT_EQ(ErrorsOf(WithUser("  0) id : long\n  structure User { }\n")),
            (Lines{"4:3: a field outside any structure (fields go in 'structure NAME { ... }')"}));
}

TEST(SchemaSyntax, VectorsAndMapsAreBracketed) {
  EXPECT_EQ(ErrorsOf(WithUser("  structure User {\n    0) v : vector[long\n  }\n")),
            (Lines{"6:3: expected ']' closing vector[...], found '}'"}));
  EXPECT_EQ(ErrorsOf(WithUser("  structure User {\n    0) v : vector[]\n  }\n")),
            (Lines{"5:19: expected a scalar or a structure in vector[...], found ']'"}));
  EXPECT_EQ(ErrorsOf(WithUser("  structure User {\n    0) m : map[string long]\n  }\n")),
            (Lines{"5:23: expected ',' between a map's key and value types, found 'long'"}));
  EXPECT_EQ(ErrorsOf(WithUser("  structure User {\n    0) m : map[string, long\n  }\n")),
            (Lines{"6:3: expected ']' closing map[..., ...], found '}'"}));
  EXPECT_EQ(ErrorsOf(WithUser("  structure User {\n    0) m : map[, long]\n  }\n")),
            (Lines{"5:16: expected the map's key type (a scalar), found ','"}));
}

TEST(SchemaSyntax, MapKeysAndValuesAreScalars) {
  EXPECT_EQ(ErrorsOf(WithUser("  structure User {\n    0) m : map[User, long]\n  }\n")),
            (Lines{"5:16: a map's key is a scalar (boolean, byte, short, integer, long, double or string), not "
                   "'User'"}));
  EXPECT_EQ(ErrorsOf(WithUser("  structure User {\n    0) m : map[string, lnog]\n  }\n")),
            (Lines{"5:24: a map's value is a scalar (boolean, byte, short, integer, long, double or string), not "
                   "'lnog'; did you mean 'long'?"}));
}

TEST(SchemaSyntax, MarksAreKnownWordsGivenOnce) {
  EXPECT_EQ(ErrorsOf(WithUser("  structure User {\n    0) id : long kye\n  }\n")),
            (Lines{"5:18: expected 'key', 'ordinal', 'since N', the next field or '}', found 'kye'; did you "
                   "mean 'key'?"}));
  EXPECT_EQ(ErrorsOf(WithUser("  structure User {\n    0) id : long key key ordinal ordinal\n  }\n")),
            (Lines{"5:22: 'key' given twice for field 'id'", "5:34: 'ordinal' given twice for field 'id'"}));
  EXPECT_EQ(ErrorsOf(WithUser("  structure User {\n    0) id : long since 1 since 1\n  }\n", 1)),
            (Lines{"5:26: 'since' given twice for field 'id'"}));
  EXPECT_EQ(ErrorsOf(WithUser("  structure User {\n    0) id : long [\n  }\n")),
            (Lines{"5:18: expected 'key', 'ordinal', 'since N', the next field or '}', found '['"}));
}

TEST(SchemaSyntax, SinceTakesAVersionNotTheNextOrdinal) {
  EXPECT_EQ(ErrorsOf(WithUser("  structure User {\n    0) a : long since\n    1) b : long\n  }\n")),
            (Lines{"6:5: expected a version number after 'since', found '1'"}));
  EXPECT_EQ(ErrorsOf(WithUser("  structure User {\n    0) a : long since 0\n  }\n")),
            (Lines{"5:23: version 0 is out of range (1..65535)"}));
}

TEST(SchemaSyntax, LexerErrorsAreReportedAsTheirOwnMessage) {
  EXPECT_EQ(ErrorsOf(WithUser("  structure User {\n    0) a : long / b\n  }\n")),
            (Lines{"5:17: unexpected character '/'"}));
  EXPECT_EQ(ErrorsOf(WithUser("  structure User {\n    12345678901) a : long\n  }\n")),
            (Lines{"5:5: number '12345678901' is too large"}));
}

TEST(SchemaSyntax, OneSchemaAFile) {
  EXPECT_EQ(ErrorsOf(WithUser("  structure User { }\n") + "schema t { }\n"),
            (Lines{"6:1: expected end of file after the schema's closing '}' (one schema a file), found 'schema'"}));
  EXPECT_EQ(ErrorsOf("schema s { version: 1 root) u : U structure U { }"),
            (Lines{"1:50: expected '}' closing schema 's', found end of file"}));
}

TEST(SchemaSyntax, AStructureLeftOpenEndsAtTheNextItem) {
  EXPECT_EQ(ErrorsOf(WithUser("  structure User {\n    0) a : long\n  structure Other { 0) b : long }\n")),
            (Lines{"6:3: expected '}' closing structure 'User', found 'structure'"}));
  EXPECT_EQ(ErrorsOf("schema s { version: 1 root) u : U structure U { 0) a : long"),
            (Lines{"1:60: expected '}' closing structure 'U', found end of file",
                   "1:60: expected '}' closing schema 's', found end of file"}));
}

// Every error of a file in one run: the parser goes on after each, and the
// checks after the syntax still run on what parsed.
TEST(SchemaSyntax, RecoveryReportsEveryErrorOfAFile) {
  const std::string text = R"(schema s {
  version: 2
  root) user : User
  structure User {
    0) id string
    1 country : string
    2) os : string key key
    3) v : vector[long
    4) m : map[string long]
    name : long
    6) sessions : vector[Sesion]
  }
  structure Session {
    0) id : long since 0
    1) a : long since
    2) b : long since 70000
    3) c : long since 3
  }
  bogus
}
)";
  EXPECT_EQ(
      ErrorsOf(text),
      (Lines{"5:11: expected ':' after field name 'id', found 'string'",
             "6:7: expected ')' after ordinal 1, found 'country'", "7:24: 'key' given twice for field 'os'",
             "9:5: expected ']' closing vector[...], found '4'",
             "9:23: expected ',' between a map's key and value types, found 'long'",
             "10:5: field 'name' has no ordinal (write 'N) name : TYPE', N from 0)",
             "11:26: unknown type 'Sesion' (neither a scalar nor a structure of this schema); did you mean "
             "'Session'?",
             "14:24: version 0 is out of range (1..65535)", "16:5: expected a version number after 'since', found '2'",
             "16:23: version 70000 is out of range (1..65535)",
             "17:23: field 'c' is since version 3, but the schema is at version 2",
             "19:3: expected 'version: N', 'root) NAME : STRUCTURE' or 'structure NAME {', found 'bogus'"}));
}

TEST(SchemaSyntax, ErrorsPrintAsFileLineColumn) {
  std::vector<SchemaError> errors;
  ParseSchema("schema s {\n  versoin: 1\n}", "dir/x.brio", &errors);
  ASSERT_FALSE(errors.empty());
  EXPECT_EQ(errors[0].ToString(),
            "dir/x.brio:2:3: error: expected 'version: N', 'root) NAME : STRUCTURE' or 'structure NAME {', found "
            "'versoin'; did you mean 'version'?");
}

}  // namespace
}  // namespace datablox::brio
