// Map's `field = expression, ...` lists (CompileAssignments).
#include <gtest/gtest.h>

#include <vector>

#include "datablox/expr.h"
#include "expr/expr_test_util.h"

namespace datablox {
namespace {

using expr_testing::AssignmentsFailure;
using expr_testing::CompileFailure;
using expr_testing::ExprTest;
using expr_testing::SampleLog;

// --- assignments --------------------------------------------------------------

TEST_F(ExprTest, CompileAssignmentsSplitsAtTopLevelCommas) {
  std::vector<Assignment> assignments;
  ASSERT_TRUE(CompileAssignments("word = upper(word), n = seq * 2, label = concat(word, ',', seq)", &assignments).ok());
  ASSERT_EQ(assignments.size(), 3u);
  EXPECT_EQ(assignments[0].field, "word");
  EXPECT_EQ(assignments[0].expr.source(), "upper(word)");
  EXPECT_EQ(assignments[0].expr.Eval(log_.log()).s, "HI");
  EXPECT_EQ(assignments[1].field, "n");
  EXPECT_EQ(assignments[1].expr.source(), "seq * 2");
  EXPECT_EQ(assignments[1].expr.Eval(log_.log()).i, 6);
  EXPECT_EQ(assignments[2].field, "label");
  EXPECT_EQ(assignments[2].expr.source(), "concat(word, ',', seq)");
  EXPECT_EQ(assignments[2].expr.Eval(log_.log()).s, "hi,3");
}

TEST_F(ExprTest, CompileAssignmentsSingleAssignmentWithSpaces) {
  std::vector<Assignment> assignments;
  ASSERT_TRUE(CompileAssignments("  total=(seq+1)*2  ", &assignments).ok());
  ASSERT_EQ(assignments.size(), 1u);
  EXPECT_EQ(assignments[0].field, "total");
  EXPECT_EQ(assignments[0].expr.source(), "(seq+1)*2");
  EXPECT_EQ(assignments[0].expr.Eval(log_.log()).i, 8);
}

TEST(ExprAssignmentErrorTest, EmptyListNeedsAFieldName) {
  ExprError e = AssignmentsFailure("");
  EXPECT_EQ(e.column, 1);
  EXPECT_EQ(e.message, "expected a field name, found end of expression");
}

TEST(ExprAssignmentErrorTest, EmptyFieldName) {
  ExprError e = AssignmentsFailure("a = 1, = 2");
  EXPECT_EQ(e.column, 8);
  EXPECT_EQ(e.message, "expected a field name, found '='");
}

TEST(ExprAssignmentErrorTest, MissingEquals) {
  ExprError e = AssignmentsFailure("a = 1, b 2");
  EXPECT_EQ(e.column, 10);
  EXPECT_EQ(e.message, "expected '=' after field name 'b', found number 2");
  e = AssignmentsFailure("upper(word)");
  EXPECT_EQ(e.column, 6);
  EXPECT_EQ(e.message, "expected '=' after field name 'upper', found '('");
  e = AssignmentsFailure("a == 1");
  EXPECT_EQ(e.column, 3);
  EXPECT_EQ(e.message, "expected '=' after field name 'a', found '=='");
}

TEST(ExprAssignmentErrorTest, MissingExpression) {
  ExprError e = AssignmentsFailure("a = , b = 1");
  EXPECT_EQ(e.column, 5);
  EXPECT_EQ(e.message, "expected an expression, found ','");
}

TEST(ExprAssignmentErrorTest, TrailingComma) {
  ExprError e = AssignmentsFailure("a = 1,");
  EXPECT_EQ(e.column, 7);
  EXPECT_EQ(e.message, "expected a field name, found end of expression");
}

TEST(ExprAssignmentErrorTest, MissingCommaBetweenAssignments) {
  ExprError e = AssignmentsFailure("a = 1 b = 2");
  EXPECT_EQ(e.column, 7);
  EXPECT_EQ(e.message, "expected ',' or end of expression, found name 'b'");
}

TEST(ExprAssignmentErrorTest, ErrorInsideAnExpressionHasAColumnIntoTheWholeText) {
  ExprError e = AssignmentsFailure("a = 1, b = nope(2)");
  EXPECT_EQ(e.column, 12);
  EXPECT_EQ(e.message.rfind("unknown function 'nope'", 0), 0u) << e.message;
  e = AssignmentsFailure("a = 1, b = (2");
  EXPECT_EQ(e.column, 14);
  EXPECT_EQ(e.message, "expected ')', found end of expression");
}

TEST(ExprAssignmentErrorTest, NestedOrDuplicateTargets) {
  ExprError e = AssignmentsFailure("user.name = 'x'");
  EXPECT_EQ(e.column, 1);
  EXPECT_EQ(e.message, "expected a top-level field name, found nested name 'user.name'");
  e = AssignmentsFailure("a = 1, a = 2");
  EXPECT_EQ(e.column, 8);
  EXPECT_EQ(e.message, "field 'a' is assigned twice");
}

TEST(ExprAssignmentErrorTest, ErrorOutParameterIsOptional) {
  std::vector<Assignment> assignments;
  Status status = CompileAssignments("x", &assignments);
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(status.message(), "column 2: expected '=' after field name 'x', found end of expression");
}

}  // namespace
}  // namespace datablox
