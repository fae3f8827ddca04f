// Reading a .topo file end to end, and the small methods of the AST.

#include "dsl/loader.h"

#include "datablox/element.h"
#include "dsl/limits.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <tuple>

namespace datablox::dsl {

std::string Diagnostic::ToString() const {
  return fmt::format("{}:{}:{}: error: {}", pos.file, pos.line, pos.column, message);
}

const ElementDecl* Topology::find(std::string_view element) const {
  for (const ElementDecl& decl : elements) {
    if (decl.name == element) return &decl;
  }
  return nullptr;
}

bool ReadTopologyFile(const std::string& path, std::string* text, std::vector<Diagnostic>* errors) {
  // POSIX read rather than a stream, so that a directory fails here with its
  // own reason (EISDIR).
  text->clear();
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  auto cannot_read = [&] {
    errors->push_back(Diagnostic{SourcePos{path, 0, 0}, fmt::format("cannot read {}: {}", path, std::strerror(errno))});
    return false;
  };
  if (fd < 0) return cannot_read();
  char buffer[1 << 14];
  // One byte past the limit tells a file at the limit from a longer one.
  while (text->size() <= kMaxTopologyBytes) {
    const size_t wanted = std::min(sizeof buffer, kMaxTopologyBytes + 1 - text->size());
    const ssize_t n = ::read(fd, buffer, wanted);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      const bool reported = cannot_read();
      ::close(fd);
      return reported;
    }
    text->append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  if (text->size() <= kMaxTopologyBytes) return true;
  // Pointed at the first byte past the limit.
  const size_t last_newline = text->rfind('\n', kMaxTopologyBytes - 1);
  const int line = 1 + static_cast<int>(std::count(text->begin(), text->begin() + kMaxTopologyBytes, '\n'));
  const size_t column = last_newline == std::string::npos ? kMaxTopologyBytes + 1 : kMaxTopologyBytes - last_newline;
  errors->push_back(
      Diagnostic{SourcePos{path, line, static_cast<int>(std::min<size_t>(column, INT_MAX))},
                 fmt::format("file is larger than {} (the limit for a topology file)", kMaxTopologyBytesText)});
  text->clear();
  return false;
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
