// The parser tests' helpers: parse a text and assert on its errors.
// Shared by parser_test.cc (good forms), parser_errors_test.cc (broken
// inputs) and parser_recovery_test.cc (going on after an error).
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "dsl/loader.h"

namespace datablox::dsl::parser_testing {

inline constexpr const char* kFile = "test.topo";

inline Topology ParseOk(std::string_view text) {
  std::vector<Diagnostic> errors;
  Topology topology = Parse(text, kFile, &errors);
  for (const Diagnostic& error : errors) ADD_FAILURE() << "unexpected: " << error.ToString();
  return topology;
}

inline std::vector<Diagnostic> ParseErrors(std::string_view text) {
  std::vector<Diagnostic> errors;
  Parse(text, kFile, &errors);
  return errors;
}

// Exactly one syntax error, at line:column, whose message holds `expected`.
inline ::testing::AssertionResult HasOneError(std::string_view text, int line, int column, std::string_view expected) {
  const std::vector<Diagnostic> errors = ParseErrors(text);
  std::string all;
  for (const Diagnostic& error : errors) all += "\n  " + error.ToString();
  if (errors.size() != 1) {
    return ::testing::AssertionFailure() << "wanted 1 error, got " << errors.size() << ":" << all;
  }
  const Diagnostic& error = errors.front();
  if (error.pos.line != line || error.pos.column != column || error.message.find(expected) == std::string::npos ||
      error.pos.file != kFile) {
    return ::testing::AssertionFailure() << "wanted " << kFile << ":" << line << ":" << column << " with \"" << expected
                                         << "\", got:" << all;
  }
  return ::testing::AssertionSuccess();
}

}  // namespace datablox::dsl::parser_testing
