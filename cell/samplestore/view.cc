#include "cell/samplestore/view.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <toml.hpp>

#include "runtime/core/bounded_file.h"

namespace datablox::samplestore {

std::string ViewError::ToString() const {
  if (line <= 0) return fmt::format("{}: error: {}", file, message);
  return fmt::format("{}:{}:{}: error: {}", file, line, column, message);
}

namespace {

// Collects errors at the positions of the values they are about.
class ViewReader {
 public:
  ViewReader(const std::string& file, std::vector<ViewError>* errors) : file_(file), errors_(errors) {}

  void Error(const toml::value& at, std::string message) {
    const toml::source_location loc = at.location();
    errors_->push_back({file_, static_cast<int>(loc.line()), static_cast<int>(loc.column()), std::move(message)});
  }
  void Error(int line, int column, std::string message) {
    errors_->push_back({file_, line, column, std::move(message)});
  }

  // Each reader leaves *out unchanged and says why when the type is wrong.
  void String(const toml::value& v, const std::string& key, std::string* out) {
    if (!v.is_string()) return Error(v, fmt::format("'{}' must be a string", key));
    *out = v.as_string().str;
  }
  void Bool(const toml::value& v, const std::string& key, bool* out) {
    if (!v.is_boolean()) return Error(v, fmt::format("'{}' must be true or false", key));
    *out = v.as_boolean();
  }
  template <typename Int>
  void Integer(const toml::value& v, const std::string& key, int64_t least, int64_t most, Int* out) {
    if (!v.is_integer()) return Error(v, fmt::format("'{}' must be an integer", key));
    const int64_t n = v.as_integer();
    if (n < least || n > most) return Error(v, fmt::format("'{}' must be in {}..{}, not {}", key, least, most, n));
    *out = static_cast<Int>(n);
  }
  void Strings(const toml::value& v, const std::string& key, std::vector<std::string>* out) {
    if (!v.is_array()) return Error(v, fmt::format("'{}' must be a list of strings", key));
    std::vector<std::string> items;
    for (const toml::value& item : v.as_array()) {
      if (!item.is_string()) return Error(item, fmt::format("'{}' must be a list of strings", key));
      items.push_back(item.as_string().str);
    }
    *out = std::move(items);
  }
  // A table of one property group (`load.concurrency`): every key known.
  template <typename Fn>
  void Group(const toml::value& v, const std::string& group, const std::vector<std::string>& known, Fn&& read) {
    if (!v.is_table()) return Error(v, fmt::format("'{}' must be a table ({}.{} = ...)", group, group, known[0]));
    for (const auto& [key, value] : v.as_table()) {
      if (std::find(known.begin(), known.end(), key) == known.end()) {
        Error(value, fmt::format("unknown property '{}.{}' (known: {}.{})", group, key, group,
                                 fmt::join(known, fmt::format(", {}.", group))));
        continue;
      }
      read(key, value);
    }
  }

  void Level(const toml::value& v, brio::FlatLevel* level) {
    if (!v.is_table()) return Error(v, "each [[level]] must be a table");
    for (const auto& [key, value] : v.as_table()) {
      if (key == "fields") {
        if (!value.is_table()) {
          Error(value, "'fields' must be a table: { FIELD = \"ROW_KEY\", ... }");
          continue;
        }
        for (const auto& [field, row_key] : value.as_table()) {
          if (!row_key.is_string()) {
            Error(row_key, fmt::format("field '{}': the row key it is read from must be a string", field));
            continue;
          }
          level->fields.push_back({field, row_key.as_string().str});
        }
        // A table's order is not kept: by name, so the same file groups the same way.
        std::sort(level->fields.begin(), level->fields.end(),
                  [](const brio::FlatField& a, const brio::FlatField& b) { return a.field < b.field; });
        if (level->fields.empty()) Error(value, "a level needs at least one field");
      } else if (key == "keys") {
        Strings(value, key, &level->keys);
      } else if (key == "child") {
        String(value, key, &level->child);
      } else {
        Error(value, fmt::format("unknown key '{}' in [[level]] (known: fields, keys, child)", key));
      }
    }
  }

 private:
  const std::string& file_;
  std::vector<ViewError>* errors_;
};

std::string Resolve(const std::string& view_file, const std::string& path) {
  if (path.empty() || std::filesystem::path(path).is_absolute()) return path;
  return (std::filesystem::path(view_file).parent_path() / path).lexically_normal().string();
}

std::string ViewName(const std::string& file) {
  std::string base = std::filesystem::path(file).filename().string();
  if (base.size() > kViewSuffix.size() && base.ends_with(kViewSuffix))
    return base.substr(0, base.size() - kViewSuffix.size());
  return std::filesystem::path(file).stem().string();
}

// "[error] toml::parse_...: what\n --> ..." -> "what"
std::string FirstLine(const std::string& what) {
  std::string line = what.substr(0, what.find('\n'));
  if (line.starts_with("[error] ")) line = line.substr(8);
  if (size_t colon = line.find(": "); line.starts_with("toml::") && colon != std::string::npos)
    line = line.substr(colon + 2);
  return line;
}

// toml11 parses arrays and inline tables recursively: text nested deeper
// than kMaxViewNesting is refused before it is parsed (brackets inside
// strings and comments do not count). Returns false with the position of
// the bracket that goes too deep.
bool NestingWithinLimit(std::string_view text, int* line, int* column) {
  int depth = 0;
  *line = 1;
  *column = 0;
  char quote = 0;  // the quote of the string we are in
  bool comment = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    ++*column;
    if (c == '\n') {
      ++*line;
      *column = 0;
      comment = false;
      quote = 0;  // a string ends with its line (a multi-line string's brackets count: harmless)
      continue;
    }
    if (comment) continue;
    if (quote) {
      if (c == '\\' && quote == '"') {
        ++i;
        ++*column;
      } else if (c == quote) {
        quote = 0;
      }
      continue;
    }
    if (c == '#') comment = true;
    if (c == '"' || c == '\'') quote = c;
    if (c == '[' || c == '{') {
      if (++depth > kMaxViewNesting) return false;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return true;
}

}  // namespace

void ParseView(std::string_view text, const std::string& file, ViewDefinition* view, std::vector<ViewError>* errors) {
  const size_t first_error = errors->size();
  view->file = file;
  view->name = ViewName(file);
  view->text = std::string(text);
  if (int line = 0, column = 0; !NestingWithinLimit(view->text, &line, &column)) {
    errors->push_back({file, line, column, fmt::format("nested deeper than {} levels", kMaxViewNesting)});
    return;
  }
  toml::value root;
  try {
    std::istringstream in(view->text);
    root = toml::parse(in, file);
  } catch (const toml::exception& e) {
    errors->push_back({file, static_cast<int>(e.location().line()), static_cast<int>(e.location().column()),
                       "TOML: " + FirstLine(e.what())});
    return;
  } catch (const std::exception& e) {
    errors->push_back({file, 0, 0, std::string("TOML: ") + e.what()});
    return;
  }
  ViewReader read(file, errors);
  std::string shape;
  bool have_schema = false, have_location = false, have_shape = false;
  const toml::value* levels = nullptr;
  for (const auto& [key, value] : root.as_table()) {
    if (key == "schema") {
      read.String(value, key, &view->schema_path);
      view->schema_line = static_cast<int>(value.location().line());
      view->schema_column = static_cast<int>(value.location().column());
      have_schema = true;
    } else if (key == "shape") {
      read.String(value, key, &shape);
      if (value.is_string() && shape != "flat" && shape != "nested")
        read.Error(value, fmt::format("shape must be \"nested\" or \"flat\", not \"{}\"", shape));
      view->shape = shape == "flat" ? ViewShape::kFlat : ViewShape::kNested;
      have_shape = true;
    } else if (key == "location") {
      read.String(value, key, &view->location);
      have_location = true;
    } else if (key == "files") {
      read.Strings(value, key, &view->files);
      if (value.is_array() && view->files.empty()) read.Error(value, "'files' needs at least one glob");
    } else if (key == "max_item_bytes") {
      read.Integer(value, key, 64, int64_t{0xFFFFFFFF}, &view->max_item_bytes);
    } else if (key == "load") {
      read.Group(value, key, {"concurrency"}, [&](const std::string& k, const toml::value& v) {
        read.Integer(v, "load." + k, 1, kMaxConcurrency, &view->load_concurrency);
      });
    } else if (key == "loci") {
      read.Group(value, key, {"replication", "rangeBytes"}, [&](const std::string& k, const toml::value& v) {
        if (k == "replication") read.Integer(v, "loci." + k, 1, kMaxReplication, &view->loci_replication);
        else read.Integer(v, "loci." + k, 0, int64_t{1} << 50, &view->loci_range_bytes);
      });
    } else if (key == "json") {
      read.Group(value, key, {"rootVersion"}, [&](const std::string& k, const toml::value& v) {
        read.Integer(v, "json." + k, 1, 255, &view->json_root_version);
        view->root_version_line = static_cast<int>(v.location().line());
        view->root_version_column = static_cast<int>(v.location().column());
      });
    } else if (key == "stream") {
      read.Group(value, key, {"skipIndex"}, [&](const std::string& k, const toml::value& v) {
        read.Bool(v, "stream." + k, &view->stream_skip_index);
      });
    } else if (key == "level") {
      levels = &value;
    } else {
      read.Error(value,
                 fmt::format("unknown key '{}' (known: schema, shape, location, files, max_item_bytes, "
                             "load.concurrency, loci.replication, loci.rangeBytes, json.rootVersion, stream.skipIndex, "
                             "level)",
                             key));
    }
  }
  if (!have_schema) read.Error(1, 1, "no 'schema': the .brio file the view presses with");
  if (!have_location) read.Error(1, 1, "no 'location': the dataset's folder");
  if (!have_shape) read.Error(1, 1, "no 'shape': \"nested\" or \"flat\"");
  if (levels) {
    view->levels_line = static_cast<int>(levels->location().line());
    view->levels_column = static_cast<int>(levels->location().column());
    if (!levels->is_array()) {
      read.Error(*levels, "'level' must be an array of tables: [[level]]");
    } else {
      for (const toml::value& level : levels->as_array()) {
        view->grouping.levels.emplace_back();
        read.Level(level, &view->grouping.levels.back());
      }
    }
  }
  if (view->shape == ViewShape::kFlat && have_shape && view->grouping.levels.empty())
    read.Error(1, 1, "a flat view needs its [[level]] tables, from the root down");
  if (view->shape == ViewShape::kNested && levels)
    read.Error(*levels, "[[level]] is for flat views: a nested view's lines are root objects");
  view->schema_path = Resolve(file, view->schema_path);
  view->location = Resolve(file, view->location);
  std::stable_sort(
      errors->begin() + static_cast<std::ptrdiff_t>(first_error), errors->end(),
      [](const ViewError& a, const ViewError& b) { return std::tie(a.line, a.column) < std::tie(b.line, b.column); });
}

void ReadView(const std::string& path, ViewDefinition* view, std::vector<ViewError>* errors) {
  std::string text;
  const BoundedRead read = ReadBoundedFile(path, kMaxViewBytes, &text);
  if (read.outcome == BoundedRead::Outcome::kCannotRead) {
    errors->push_back({path, 0, 0, read.why});
    return;
  }
  if (read.outcome == BoundedRead::Outcome::kTooLarge) {
    errors->push_back(
        {path, read.line, read.column, fmt::format("larger than {} bytes: not a view file", kMaxViewBytes)});
    return;
  }
  ParseView(text, path, view, errors);
}

}  // namespace datablox::samplestore
