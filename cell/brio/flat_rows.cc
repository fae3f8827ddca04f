#include "cell/brio/flat_rows.h"

#include <algorithm>
#include <cstring>

#include "cell/brio/flat_rows_impl.h"

namespace datablox::brio {

namespace {

std::string LevelName(size_t level) { return "grouping level " + std::to_string(level); }

}  // namespace

Status FlatPresser::Make(const SchemaLayout& layout, const FlatGrouping& grouping, PressOptions options,
                         std::unique_ptr<FlatPresser>* out) {
  auto impl = std::make_unique<Impl>(layout, options);
  const Schema& schema = layout.schema();
  std::string errors;
  auto error = [&](const std::string& e) { errors += (errors.empty() ? "" : "; ") + e; };
  if (grouping.levels.empty()) error("the grouping has no levels");
  int structure = schema.root_structure;
  for (size_t l = 0; l < grouping.levels.size() && structure >= 0; ++l) {
    const FlatLevel& fl = grouping.levels[l];
    const Structure& s = schema.structures[static_cast<size_t>(structure)];
    flat_internal::Level level;
    level.structure = structure;
    for (const FlatField& ff : fl.fields) {
      const Field* f = s.FindField(ff.field);
      if (f == nullptr) {
        error(LevelName(l) + ": " + s.name + " has no field '" + ff.field + "'");
        continue;
      }
      if (f->kind != FieldKind::kScalar) {
        error(LevelName(l) + ": " + s.name + "." + ff.field + " is not a scalar (a row feeds scalars only)");
        continue;
      }
      flat_internal::Column c;
      c.level = static_cast<int>(l);
      c.field = static_cast<int>(f - s.fields.data());
      c.type = f->scalar;
      c.key = std::find(fl.keys.begin(), fl.keys.end(), ff.field) != fl.keys.end();
      c.ordering = f->ordering && l > 0;
      const int column = static_cast<int>(impl->columns.size());
      impl->columns.push_back(c);
      level.columns.push_back(column);
      if (c.key) level.keys.push_back(column);
      auto rk = std::find_if(impl->row_keys.begin(), impl->row_keys.end(),
                             [&](const flat_internal::RowKey& k) { return k.name == ff.row_field; });
      if (rk == impl->row_keys.end()) impl->row_keys.push_back({ff.row_field, {column}});
      else rk->columns.push_back(column);
    }
    for (const std::string& key : fl.keys)
      if (std::none_of(fl.fields.begin(), fl.fields.end(), [&](const FlatField& ff) { return ff.field == key; }))
        error(LevelName(l) + ": key '" + key + "' is not one of the level's fields");
    for (int column : level.columns)
      if (impl->columns[static_cast<size_t>(column)].ordering) level.sort.push_back(column);
    level.sort.insert(level.sort.end(), level.keys.begin(), level.keys.end());
    const bool last = l + 1 == grouping.levels.size();
    structure = -1;
    if (!fl.child.empty()) {
      const Field* child = s.FindField(fl.child);
      if (last) error(LevelName(l) + ": child '" + fl.child + "' but no level below");
      else if (child == nullptr || child->kind != FieldKind::kReferenceVector)
        error(LevelName(l) + ": " + s.name + "." + fl.child + " is not a vector of structures");
      else {
        level.child_field = static_cast<int>(child - s.fields.data());
        structure = child->structure_index;
      }
    } else if (!last) {
      error(LevelName(l) + ": no child field to hold the next level");
    }
    impl->levels.push_back(std::move(level));
  }
  if (impl->columns.size() > flat_internal::kMaxColumns)
    error("the grouping feeds " + std::to_string(impl->columns.size()) + " fields, at most " +
          std::to_string(flat_internal::kMaxColumns));
  if (!errors.empty()) return Status::Invalid(errors);
  impl->ncolumns = impl->columns.size();
  for (size_t l = 1; l < impl->levels.size(); ++l) {
    flat_internal::Level& level = impl->levels[l];
    for (int column : level.sort) {
      const flat_internal::Column& c = impl->columns[static_cast<size_t>(column)];
      if (c.key) level.key_words.push_back(static_cast<int>(impl->sort_columns.size()));
      if (c.ordering && c.type == ScalarType::kString) impl->sort_by_words = false;
      impl->sort_columns.push_back(column);
    }
  }
  const std::vector<int>& root_keys = impl->levels[0].keys;
  impl->root_by_string_key =
      root_keys.size() == 1 && impl->columns[static_cast<size_t>(root_keys[0])].type == ScalarType::kString;
  impl->nwords = impl->sort_columns.size();
  impl->stride = 1 + impl->ncolumns;
  impl->row_cells.resize(impl->ncolumns);
  impl->row_states.resize(impl->ncolumns);
  impl->PrepareCleanRows();
  // A small budget is checked more often than every kCheckRows rows: a quarter of it at most between checks.
  if (options.memory_budget_bytes > 0)
    impl->check_rows =
        std::clamp<size_t>(options.memory_budget_bytes / (impl->stride * sizeof(uint64_t)) / 4, 1, Impl::kCheckRows);
  out->reset(new FlatPresser(std::move(impl)));
  return Status::OK();
}

FlatPresser::FlatPresser(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
FlatPresser::~FlatPresser() = default;
const PressStats& FlatPresser::stats() const { return impl_->stats; }

Status FlatPresser::status() const { return impl_->status; }

bool CpuRunsCleanRowReader() {
#if defined(__x86_64__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi") && __builtin_cpu_supports("pclmul");
#else
  return false;
#endif
}

static_assert(static_cast<uint8_t>(ScalarType::kBoolean) == 0 && static_cast<uint8_t>(ScalarType::kString) == 6,
              "clean_row.cc spells ScalarType's values");

namespace {
uint32_t InternInto(void* strings, const char* s, size_t n) {
  return static_cast<StringInterner*>(strings)->Intern(std::string_view(s, n));
}
}  // namespace

// Here, not in clean_row.cc: only what that file must hold is built for AVX2.
void MakeCleanKeyImage(const char* key, size_t size, uint64_t image[kCleanKeyWords]) {
  char bytes[kCleanKeyWords * 8] = {};
  std::memcpy(bytes, key, size);
  bytes[size] = '"';
  std::memcpy(image, bytes, sizeof bytes);
}

void FlatPresser::Impl::PrepareCleanRows() {
  if (!CpuRunsCleanRowReader()) return;
  for (const flat_internal::RowKey& rk : row_keys)
    if (rk.name.size() > kMaxCleanKeyBytes || rk.name.find_first_of("\"\\") != std::string::npos) return;
  clean_reader.reset(MakeCleanRowReader());
  clean_key_images.assign(row_keys.size() * kCleanKeyWords, 0);
  for (const flat_internal::RowKey& rk : row_keys) {
    MakeCleanKeyImage(rk.name.data(), rk.name.size(), clean_key_images.data() + clean_keys.size() * kCleanKeyWords);
    clean_keys.push_back(rk.name.data());
    clean_key_sizes.push_back(rk.name.size());
    clean_column_of_key.push_back(rk.columns.size() == 1 ? rk.columns[0] : -1);
  }
  for (const flat_internal::Column& c : columns) clean_types.push_back(static_cast<uint8_t>(c.type));
  clean_spec = {clean_keys.data(),
                clean_key_sizes.data(),
                clean_key_images.data(),
                clean_column_of_key.data(),
                clean_types.data(),
                clean_keys.size(),
                ncolumns,
                &InternInto,
                &strings};
}

bool FlatPresser::Impl::ReadCleanRow(std::string_view text, std::string_view line) {
  if (!clean_reader) return false;
  const std::string_view padded = parser.Padded(text, line);
  std::fill(row_states.begin(), row_states.end(), 0);
  return clean_reader->Read(padded.data(), padded.size(), padded.size() + simdjson::SIMDJSON_PADDING, clean_spec,
                            row_cells.data(), row_states.data());
}

void FlatPresser::Impl::ReadDomRow(simdjson::dom::object root, uint64_t* wrong) {
  std::fill(row_states.begin(), row_states.end(), 0);
  for (auto [key, value] : root) {
    const flat_internal::RowKey* rk = nullptr;
    for (size_t k = 0; rk == nullptr && k < row_keys.size(); ++k)
      if (row_keys[k].name == key) rk = &row_keys[k];
    if (rk == nullptr) {
      ++stats.unknown_fields;
      continue;
    }
    for (int column : rk->columns) {
      const flat_internal::Column& c = columns[static_cast<size_t>(column)];
      ScalarValue sv;
      const Conversion conversion = ConvertScalar(value, c.type, &sv);
      row_states[static_cast<size_t>(column)] = 0;
      if (conversion == Conversion::kWrongType && !c.key) ++*wrong;
      if (conversion != Conversion::kValue) continue;
      uint64_t bits = 0;
      if (c.type == ScalarType::kString) bits = strings.Intern(sv.s);
      else if (c.type == ScalarType::kDouble) std::memcpy(&bits, &sv.d, sizeof bits);
      else bits = static_cast<uint64_t>(sv.i);
      row_cells[static_cast<size_t>(column)] = bits;
      row_states[static_cast<size_t>(column)] = 1;
    }
  }
}

bool FlatPresser::Impl::KeysPresent() const {
  for (const flat_internal::Level& level : levels)
    for (int column : level.keys)
      if (!row_states[static_cast<size_t>(column)]) return false;
  return true;
}

void FlatPresser::AddLines(std::string_view text, std::string_view source) {
  using simdjson::dom::object;
  Impl& m = *impl_;
  auto dom_row = [&](object root, auto& where) {
    // Wrong types are counted only once the row is kept: a rejected row counts once, as a reject.
    uint64_t wrong = 0;
    m.ReadDomRow(root, &wrong);
    for (const flat_internal::Level& level : m.levels)
      for (int column : level.keys)
        if (!m.row_states[static_cast<size_t>(column)]) {
          ++m.stats.rejected_missing_key;
          const flat_internal::Column& c = m.columns[static_cast<size_t>(column)];
          m.stats.Sample(
              where(),
              "key field '" +
                  m.schema.structures[static_cast<size_t>(level.structure)].fields[static_cast<size_t>(c.field)].name +
                  "' absent, null or of the wrong type");
          return;
        }
    m.stats.wrong_type_fields += wrong;
    ++m.stats.rows;
    m.KeepRow();
  };
  if (!m.clean_reader) {
    ForEachObjectLine(text, source, m.parser, m.stats, dom_row);
    return;
  }
  // Windows of whole lines, each read by the clean reader as one document
  // stream; a line it does not call clean goes to the DOM path, in order, so
  // rows are kept (and strings interned) as a line-by-line read keeps them.
  uint64_t number = 0;
  std::string_view window;  // in `text`
  const char* window_base = nullptr;  // where the reader sees the window: in `text`, or the padded copy of it
  auto each_line = [&](const char* at, size_t size, bool clean) {
    const std::string_view line(window.data() + (at - window_base), size);
    ++number;
    ++m.stats.lines;
    m.stats.json_bytes += line.size() + 1;
    if (clean && m.KeysPresent()) {
      ++m.stats.rows;
      m.KeepRow();
      return;
    }
    ReadObjectLine(text, line, number, source, m.parser, m.stats, dom_row);
  };
  using EachLine = decltype(each_line);
  const CleanRowSink sink{[](void* context, const char* at, size_t size, bool clean) {
                            (*static_cast<EachLine*>(context))(at, size, clean);
                          },
                          &each_line};
  const char* const end = text.data() + text.size();
  const char* p = text.data();
  while (p < end) {
    const size_t rest = static_cast<size_t>(end - p);
    size_t size = rest;
    if (rest > kCleanWindowBytes) {
      const void* newline = ::memrchr(p, '\n', kCleanWindowBytes);
      if (newline == nullptr) {
        // A line longer than a window: read alone.
        const void* line_end = std::memchr(p + kCleanWindowBytes, '\n', rest - kCleanWindowBytes);
        const size_t line_size = line_end ? static_cast<size_t>(static_cast<const char*>(line_end) - p) : rest;
        window = std::string_view(p, line_size);
        window_base = p;
        each_line(p, line_size, m.ReadCleanRow(text, window));
        p += line_end ? line_size + 1 : line_size;
        continue;
      }
      size = static_cast<size_t>(static_cast<const char*>(newline) - p) + 1;
    }
    window = std::string_view(p, size);
    if (p + size + simdjson::SIMDJSON_PADDING <= end) {
      window_base = p;
    } else {  // the text's end: simdjson reads up to SIMDJSON_PADDING bytes past a window
      m.window_copy.assign(window);
      m.window_copy.resize(size + simdjson::SIMDJSON_PADDING, ' ');
      window_base = m.window_copy.data();
    }
    m.clean_reader->ReadMany(window_base, size, size + simdjson::SIMDJSON_PADDING, m.clean_spec, m.row_cells.data(),
                             m.row_states.data(), sink);
    p += size;
  }
}

uint32_t FlatPresser::Impl::RootOf() {
  if (root_by_string_key) {
    const uint64_t id = row_cells[static_cast<size_t>(levels[0].keys[0])];
    if (id >= root_of_string.size()) root_of_string.resize(strings.size() + strings.size() / 2 + 16, UINT32_MAX);
    uint32_t& root = root_of_string[id];
    if (root == UINT32_MAX) root = root_count++;
    return root;
  }
  if (levels[0].keys.empty()) return root_count++;  // no keys: each row is a root
  root_key.clear();
  for (int column : levels[0].keys)
    root_key.append(reinterpret_cast<const char*>(&row_cells[static_cast<size_t>(column)]), sizeof(uint64_t));
  const uint32_t root = roots.try_emplace(root_key, root_count).first->second;
  if (root == root_count) ++root_count;
  return root;
}

void FlatPresser::Impl::KeepRow() {
  const size_t r = record_root.size();
  if (r % check_rows == 0) {
    // Between checks memory grows by check_rows rows at most.
    if (options.memory_budget_bytes > 0 && !reloading && status.ok() && r > 0 &&
        MemoryBytes() > options.memory_budget_bytes) {
      // The row being kept has its strings interned already: kept aside
      // as text while the spilled rows' strings are forgotten, then interned again.
      std::vector<std::string> texts(ncolumns);
      for (size_t column = 0; column < ncolumns; ++column)
        if (row_states[column] && columns[column].type == ScalarType::kString)
          texts[column] = strings.Get(static_cast<uint32_t>(row_cells[column]));
      SpillKept();
      for (size_t column = 0; column < ncolumns; ++column)
        if (row_states[column] && columns[column].type == ScalarType::kString)
          row_cells[column] = strings.Intern(texts[column]);
      // Spilled, nothing is kept. (Failed, the rows stay, over the budget.)
      if (status.ok()) return KeepRow();
    }
  }
  record_root.push_back(RootOf());
  uint64_t* record = records.Append(stride);
  uint64_t set = 0;
  for (size_t column = 0; column < ncolumns; ++column) set |= uint64_t{row_states[column]} << column;
  record[0] = set;
  std::memcpy(record + 1, row_cells.data(), ncolumns * sizeof(uint64_t));
}

size_t FlatPresser::Impl::MemoryBytes() const {
  return records.size_words() * sizeof(uint64_t) + record_root.capacity() * sizeof(uint32_t) + strings.memory_bytes() +
         root_of_string.capacity() * sizeof(uint32_t) + roots.size() * (root_key.size() + 64);
}

}  // namespace datablox::brio
