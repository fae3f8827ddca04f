// Helpers shared by the expression tests: a sample log with a field of every
// kind, a fixture that compiles and evaluates over it, and the two ways to
// expect a compile error.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "datablox/expr.h"
#include "datablox/log.h"

namespace datablox::expr_testing {

// The log most tests read: one field of every kind, nested maps, an array.
inline OwnedLog SampleLog() {
  LogBuilder b;
  b.add("seq", 3)
      .add("word", "hi")
      .add("ratio", 2.5)
      .add("flag", true)
      .add("off", false)
      .add("empty", "")
      .add("zero", 0)
      .add("fzero", 0.0)
      .add_nil("nothing")
      .add("neg", -7)
      .add_bytes("blob", "xyz");
  EXPECT_TRUE(b.add_json("user", R"({"name": "ann", "address": {"city": "Oslo"}, "age": 41})").ok());
  EXPECT_TRUE(b.add_json("tags", R"(["a", "b", "c"])").ok());
  return OwnedLog(std::string(b.bytes()));
}

class ExprTest : public ::testing::Test {
 protected:
  // Compiles (the test fails when that fails) and evaluates over the sample log.
  ExprValue Eval(std::string_view source) {
    Expr expr;
    Status status = Expr::Compile(source, &expr);
    EXPECT_TRUE(status.ok()) << source << ": " << status.ToString();
    return expr.Eval(log_.log());
  }

  void ExpectInt(std::string_view source, int64_t want) {
    ExprValue v = Eval(source);
    EXPECT_EQ(v.kind, ExprValue::Kind::kInt) << source << " gave " << v.s;
    EXPECT_EQ(v.i, want) << source;
  }
  void ExpectFloat(std::string_view source, double want) {
    ExprValue v = Eval(source);
    EXPECT_EQ(v.kind, ExprValue::Kind::kFloat) << source << " gave " << v.s;
    EXPECT_DOUBLE_EQ(v.f, want) << source;
  }
  void ExpectString(std::string_view source, std::string_view want) {
    ExprValue v = Eval(source);
    EXPECT_EQ(v.kind, ExprValue::Kind::kString) << source << " gave " << v.s;
    EXPECT_EQ(v.s, want) << source;
  }
  void ExpectBool(std::string_view source, bool want) {
    ExprValue v = Eval(source);
    EXPECT_EQ(v.kind, ExprValue::Kind::kBool) << source << " gave " << v.s;
    EXPECT_EQ(v.b, want) << source;
  }
  void ExpectNil(std::string_view source) {
    ExprValue v = Eval(source);
    EXPECT_EQ(v.kind, ExprValue::Kind::kNil) << source << " gave " << v.s;
  }
  void ExpectEvalError(std::string_view source, std::string_view message) {
    ExprValue v = Eval(source);
    EXPECT_TRUE(v.is_error()) << source;
    EXPECT_EQ(v.s, message) << source;
  }

  OwnedLog log_ = SampleLog();
};

// Compiles `source`, which must fail, and returns the error; also checks that
// the Status says the same thing as the ExprError.
inline ExprError CompileFailure(std::string_view source) {
  Expr expr;
  ExprError error;
  Status status = Expr::Compile(source, &expr, &error);
  EXPECT_FALSE(status.ok()) << "'" << source << "' compiled";
  EXPECT_EQ(status.code(), Status::Code::kInvalid);
  EXPECT_EQ(status.message(), "column " + std::to_string(error.column) + ": " + error.message);
  return error;
}

inline ExprError AssignmentsFailure(std::string_view source) {
  std::vector<Assignment> assignments;
  ExprError error;
  Status status = CompileAssignments(source, &assignments, &error);
  EXPECT_FALSE(status.ok()) << "'" << source << "' compiled";
  EXPECT_EQ(status.code(), Status::Code::kInvalid);
  EXPECT_EQ(status.message(), "column " + std::to_string(error.column) + ": " + error.message);
  EXPECT_TRUE(assignments.empty());
  return error;
}

}  // namespace datablox::expr_testing
