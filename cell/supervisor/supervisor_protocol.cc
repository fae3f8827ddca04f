#include "cell/supervisor/supervisor_protocol.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace datablox::supervisor {
namespace {

using nlohmann::json;

Status Text(const json& in, const char* name, size_t max, std::string* out) {
  auto it = in.find(name);
  if (it == in.end()) return Status::OK();
  if (!it->is_string()) return Status::Invalid(fmt::format("'{}' must be a string", name));
  const auto& text = it->get_ref<const std::string&>();
  if (text.empty() || text.size() > max)
    return Status::Invalid(fmt::format("'{}' must have 1..{} bytes", name, max));
  *out = text;
  return Status::OK();
}

Status Integer(const json& in, const char* name, int64_t min, int64_t max, int64_t* out) {
  auto it = in.find(name);
  if (it == in.end()) return Status::OK();
  if (!it->is_number_integer() || it->get<int64_t>() < min || it->get<int64_t>() > max)
    return Status::Invalid(fmt::format("'{}' must be an integer in {}..{}", name, min, max));
  *out = it->get<int64_t>();
  return Status::OK();
}

json CellJson(const eql::ResultCell& cell) {
  switch (cell.kind) {
    case eql::ResultCell::Kind::kNull: return nullptr;
    case eql::ResultCell::Kind::kInt: return cell.int_value;
    case eql::ResultCell::Kind::kDouble: return cell.double_value;
    case eql::ResultCell::Kind::kString: return cell.string_value;
  }
  return nullptr;
}

}  // namespace

json EncodeCellQuery(const CellQuery& query) {
  // Every field given is written, so that a request of both shapes (or of
  // neither) is refused by DecodeCellQuery wherever it is decoded.
  json out = json::object();
  if (!query.text.empty()) out["query"] = query.text;
  if (!query.view.empty()) out["view"] = query.view;
  if (!query.saved.empty()) out["saved"] = query.saved;
  if (query.now_ms >= 0) out["now"] = query.now_ms;
  out["timeout_ms"] = query.timeout_ms;
  return out;
}

Status DecodeCellQuery(const json& in, CellQuery* out) {
  *out = CellQuery{};
  if (!in.is_object()) return Status::Invalid("a cell query is a JSON object");
  for (const auto& [key, value] : in.items()) {
    (void)value;
    if (key != "query" && key != "view" && key != "saved" && key != "now" && key != "timeout_ms")
      return Status::Invalid(fmt::format("unknown field '{}' (ask {{\"query\", \"view\"}} or {{\"saved\"}})", key));
  }
  Status st = Text(in, "query", kMaxQueryTextBytes, &out->text);
  if (st.ok()) st = Text(in, "view", 128, &out->view);
  if (st.ok()) st = Text(in, "saved", 128, &out->saved);
  if (st.ok()) st = Integer(in, "now", 0, INT64_MAX, &out->now_ms);
  if (st.ok()) st = Integer(in, "timeout_ms", 1, kMaxQueryTimeoutMs, &out->timeout_ms);
  if (!st.ok()) return st;
  const bool adhoc = !out->text.empty() || !out->view.empty();
  if (adhoc == !out->saved.empty())
    return Status::Invalid("ask either {\"query\": TEXT, \"view\": VIEW} or {\"saved\": MONIKER}");
  if (adhoc && (out->text.empty() || out->view.empty()))
    return Status::Invalid("a query needs both 'query' (its text) and 'view' (the view's moniker)");
  return Status::OK();
}

json EncodeRefusal(const QueryRefusal& refusal) {
  return {{"refused", {{"message", refusal.message}, {"errors", refusal.errors}}}};
}

bool DecodeRefusal(const json& answer, QueryRefusal* out) {
  auto it = answer.find("refused");
  if (it == answer.end() || !it->is_object()) return false;
  *out = QueryRefusal{};
  if (auto m = it->find("message"); m != it->end() && m->is_string()) out->message = m->get<std::string>();
  if (auto e = it->find("errors"); e != it->end() && e->is_array()) {
    for (const json& line : *e) {
      if (line.is_string()) out->errors.push_back(line.get<std::string>());
    }
  }
  return true;
}

json TableJson(const eql::ResultTable& table) {
  json rows = json::array();
  for (const auto& row : table.rows) {
    json cells = json::array();
    for (const eql::ResultCell& cell : row) cells.push_back(CellJson(cell));
    rows.push_back(std::move(cells));
  }
  return {{"columns", table.columns}, {"rows", std::move(rows)}};
}

Status TableFromJson(const json& answer, eql::ResultTable* out) {
  *out = eql::ResultTable{};
  auto columns = answer.find("columns");
  auto rows = answer.find("rows");
  if (columns == answer.end() || !columns->is_array() || rows == answer.end() || !rows->is_array())
    return Status::Invalid("the answer has no 'columns' and 'rows'");
  for (const json& c : *columns) {
    if (!c.is_string()) return Status::Invalid("a column name is not a string");
    out->columns.push_back(c.get<std::string>());
  }
  for (const json& row : *rows) {
    if (!row.is_array() || row.size() != out->columns.size())
      return Status::Invalid("a row does not have one cell per column");
    auto& cells = out->rows.emplace_back();
    for (const json& v : row) {
      eql::ResultCell& cell = cells.emplace_back();
      if (v.is_number_integer()) {
        cell.kind = eql::ResultCell::Kind::kInt;
        cell.int_value = v.get<int64_t>();
      } else if (v.is_number()) {
        cell.kind = eql::ResultCell::Kind::kDouble;
        cell.double_value = v.get<double>();
      } else if (v.is_string()) {
        cell.kind = eql::ResultCell::Kind::kString;
        cell.string_value = v.get<std::string>();
      } else if (!v.is_null()) {
        return Status::Invalid("a cell is not null, a number or a string");
      }
    }
  }
  return Status::OK();
}

}  // namespace datablox::supervisor
