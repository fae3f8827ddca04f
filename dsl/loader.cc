// Reading a .topo file end to end, and the small methods of the AST.

#include "dsl/loader.h"

#include "datablox/element.h"
#include "dsl/limits.h"
#include "runtime/core/bounded_file.h"

#include <fmt/format.h>

#include <algorithm>
#include <tuple>

namespace datablox::dsl {

std::string Diagnostic::ToString() const {
  std::string text = fmt::format("{}:{}:{}: error: {}", pos.file, pos.line, pos.column, message);
  // Inside a compound's body: each use it was expanded for, innermost first.
  for (const Expansion* via = pos.via.get(); via != nullptr; via = via->pos.via.get()) {
    text += fmt::format(" (in '{}', a use of compound {} at {}:{}:{})", via->use, via->compound, via->pos.file,
                        via->pos.line, via->pos.column);
  }
  return text;
}

const ElementDecl* Topology::find(std::string_view element) const {
  for (const ElementDecl& decl : elements) {
    if (decl.name == element) return &decl;
  }
  return nullptr;
}

bool ReadTopologyFile(const std::string& path, std::string* text, std::vector<Diagnostic>* errors) {
  const BoundedRead read = ReadBoundedFile(path, kMaxTopologyBytes, text);
  if (read.outcome == BoundedRead::Outcome::kCannotRead) {
    errors->push_back(Diagnostic{SourcePos{path, 0, 0}, read.why});
    return false;
  }
  if (read.outcome == BoundedRead::Outcome::kTooLarge) {
    errors->push_back(
        Diagnostic{SourcePos{path, read.line, read.column},
                   fmt::format("file is larger than {} (the limit for a topology file)", kMaxTopologyBytesText)});
    return false;
  }
  return true;
}

Topology LoadFile(const std::string& path, const CheckOptions& options, std::vector<Diagnostic>* errors) {
  std::string text;
  if (!ReadTopologyFile(path, &text, errors)) {
    Topology empty;
    empty.file = path;
    return empty;
  }
  return LoadText(text, path, options, errors);
}

Topology LoadText(const std::string& text, const std::string& path, const CheckOptions& options,
                  std::vector<Diagnostic>* errors) {
  const size_t first_new = errors->size();
  // Parse keeps only the statements that parsed, so the checker sees no
  // half-read declaration; names of broken statements keep it quiet where
  // it could only repeat a syntax error.
  Topology topology = Parse(text, path, errors);
  Check(topology, options, errors);
  std::stable_sort(errors->begin() + static_cast<std::ptrdiff_t>(first_new), errors->end(),
                   [](const Diagnostic& a, const Diagnostic& b) {
                     return std::tie(a.pos.line, a.pos.column) < std::tie(b.pos.line, b.pos.column);
                   });
  return topology;
}

CheckOptions ClassTableCheckOptions(std::vector<std::string> known_nodes) {
  CheckOptions options;
  options.find_class = [](std::string_view c) { return ClassTable::Global().find(c); };
  for (const ClassSpec* spec : ClassTable::Global().all()) options.class_names.push_back(spec->name);
  options.class_load_error = [](std::string_view c) { return ClassTable::Global().load_error(c); };
  options.known_nodes = std::move(known_nodes);
  return options;
}

}  // namespace datablox::dsl
