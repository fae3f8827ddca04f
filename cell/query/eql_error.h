// A mistake in a query's text, at its LINE:COL (1-based; the column in
// bytes). The lexer, the parser and the checker all report these, every one
// found in a run, sorted by position.
#pragma once

#include <string>
#include <vector>

namespace datablox::eql {

struct QueryPos {
  int line = 1;
  int column = 1;
};

struct QueryError {
  QueryPos pos;
  std::string message;
  // "LINE:COL: error: MESSAGE" (a query has no file).
  std::string ToString() const;
};

// Sorts by position, keeping the order of errors at one place.
void SortErrors(std::vector<QueryError>* errors);

}  // namespace datablox::eql
