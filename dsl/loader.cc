// Reading a .topo file end to end, and the small methods of the AST.

#include "dsl/loader.h"

#include "datablox/element.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
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

namespace {

// The whole file, or false with errno's reason. POSIX read rather than a
// stream, so that a directory fails here with its own reason (EISDIR).
bool ReadWholeFile(const std::string& path, std::string* text, std::string* reason) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *reason = std::strerror(errno);
    return false;
  }
  char buffer[1 << 14];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      *reason = std::strerror(errno);
      ::close(fd);
      return false;
    }
    text->append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  return true;
}

}  // namespace

Topology LoadFile(const std::string& path, const CheckOptions& options,
                  std::vector<Diagnostic>* errors) {
  std::string text;
  std::string reason;
  if (!ReadWholeFile(path, &text, &reason)) {
    Topology empty;
    empty.file = path;
    errors->push_back(
        Diagnostic{SourcePos{path, 0, 0}, fmt::format("cannot read {}: {}", path, reason)});
    return empty;
  }
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

CheckOptions RegistryCheckOptions(std::vector<std::string> known_nodes) {
  CheckOptions options;
  options.find_class = [](std::string_view c) { return Registry::Global().find(c); };
  for (const ClassSpec* spec : Registry::Global().all()) options.class_names.push_back(spec->name);
  options.class_load_error = [](std::string_view c) { return Registry::Global().load_error(c); };
  options.known_nodes = std::move(known_nodes);
  return options;
}

}  // namespace datablox::dsl
