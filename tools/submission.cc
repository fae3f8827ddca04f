#include "tools/submission.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "datablox/element.h"
#include "dsl/loader.h"

namespace datablox::cli {
namespace {

bool EndsWith(std::string_view text, std::string_view tail) {
  return text.size() >= tail.size() && text.substr(text.size() - tail.size()) == tail;
}

// Byte offset of LINE:COLUMN (both 1-based, columns in bytes as the lexer
// counts them); npos when the text is shorter.
size_t OffsetOf(const std::string& text, int line, int column) {
  size_t offset = 0;
  for (int l = 1; l < line; ++l) {
    offset = text.find('\n', offset);
    if (offset == std::string::npos) return offset;
    ++offset;
  }
  offset += static_cast<size_t>(column - 1);
  return offset < text.size() ? offset : std::string::npos;
}

// Length of the string literal opening at `start` (quote to quote, escapes
// skipped as the lexer does); 0 when there is none.
size_t LiteralLength(const std::string& text, size_t start) {
  const char quote = text[start];
  if (quote != '"' && quote != '\'') return 0;
  for (size_t i = start + 1; i < text.size() && text[i] != '\n'; ++i) {
    if (text[i] == '\\') ++i;
    else if (text[i] == quote) return i + 1 - start;
  }
  return 0;
}

// A double-quoted literal of the topology language holding `value`.
std::string Quoted(const std::string& value) {
  std::string out = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') out += "\\n";
    else if (c == '\t') out += "\\t";
    else out += c;
  }
  return out + "\"";
}

}  // namespace

bool IsPathParameter(std::string_view name) {
  return name == "path" || EndsWith(name, "_path") || EndsWith(name, "_file") || EndsWith(name, "_dir");
}

std::string WithAbsolutePaths(const std::string& text, const std::string& file, const std::string& folder) {
  std::vector<dsl::Diagnostic> errors;
  dsl::Topology topology = dsl::Parse(text, file, &errors);
  if (!errors.empty()) return text;
  struct Edit {
    size_t offset, length;
    std::string literal;
  };
  std::vector<Edit> edits;
  for (const dsl::ElementDecl& element : topology.elements) {
    for (const auto& [name, value] : element.params) {
      if (!IsPathParameter(name) || value.kind != ParamValue::Kind::kString || value.s.empty()) continue;
      std::filesystem::path path(value.s);
      if (path.is_absolute()) continue;
      auto at = element.param_pos.find(name);
      if (at == element.param_pos.end()) continue;
      size_t offset = OffsetOf(text, at->second.line, at->second.column);
      size_t length = offset == std::string::npos ? 0 : LiteralLength(text, offset);
      if (length == 0) continue;
      edits.push_back({offset, length, Quoted((std::filesystem::path(folder) / path).lexically_normal().string())});
    }
  }
  // From the end, so that every offset still points where it did.
  std::sort(edits.begin(), edits.end(), [](const Edit& a, const Edit& b) { return a.offset > b.offset; });
  std::string out = text;
  for (const Edit& edit : edits) out.replace(edit.offset, edit.length, edit.literal);
  return out;
}

Status PrepareSubmission(const std::string& file, const std::string& text, Submission* out) {
  std::error_code ec;
  std::filesystem::path cwd = std::filesystem::current_path(ec);
  if (ec) return Status::IOError(fmt::format("cannot tell the working directory: {}", ec.message()));
  out->file = (cwd / file).lexically_normal().string();
  out->text = WithAbsolutePaths(text, file, cwd.string());
  out->search_path = ClassSearchPath(out->file);
  return Status::OK();
}

}  // namespace datablox::cli
