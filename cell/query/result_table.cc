#include "cell/query/result_table.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <numeric>

#include "cell/query/time_parts.h"

namespace datablox::eql {
namespace {

ResultCell DimensionCell(const PlanDimension& d, const KeyPart& part) {
  ResultCell cell;
  switch (part.kind) {
    case KeyPart::Kind::kNull: break;
    case KeyPart::Kind::kDouble:
      cell.kind = ResultCell::Kind::kDouble;
      cell.double_value = part.double_value;
      break;
    case KeyPart::Kind::kString:
      cell.kind = ResultCell::Kind::kString;
      cell.string_value = std::string(part.string_value);
      break;
    case KeyPart::Kind::kInt:
      if (TimePartText(d.function, part.int_value, &cell.string_value)) {
        cell.kind = ResultCell::Kind::kString;
      } else {
        cell.kind = ResultCell::Kind::kInt;
        cell.int_value = part.int_value;
      }
      break;
  }
  return cell;
}

ResultCell AggregateCell(const PlanAggregate& a, const AggState& s, const DistinctSet* distinct) {
  ResultCell cell;
  auto integer = [&cell](int64_t v) {
    cell.kind = ResultCell::Kind::kInt;
    cell.int_value = v;
  };
  auto number = [&cell](double v) {
    cell.kind = ResultCell::Kind::kDouble;
    cell.double_value = v;
  };
  switch (a.function) {
    case AggFunction::kCount:
    case AggFunction::kFunnel: integer(s.count); break;
    case AggFunction::kCountDistinct:
      integer(static_cast<int64_t>(distinct ? distinct->numbers.size() + distinct->strings.size() : 0));
      break;
    case AggFunction::kSum:
      if (a.integer) integer(s.int_sum);
      else number(s.double_sum);
      break;
    case AggFunction::kMin:
    case AggFunction::kMax: {
      if (s.count == 0) break;
      const bool min = a.function == AggFunction::kMin;
      if (a.integer) integer(min ? s.int_min : s.int_max);
      else number(min ? s.double_min : s.double_max);
      break;
    }
    case AggFunction::kAvg:
      if (s.count > 0) number(s.double_sum / static_cast<double>(s.count));
      break;
  }
  return cell;
}

std::string CellText(const ResultCell& cell) {
  switch (cell.kind) {
    case ResultCell::Kind::kNull: return "-";
    case ResultCell::Kind::kInt: return std::to_string(cell.int_value);
    case ResultCell::Kind::kDouble: return fmt::format("{}", cell.double_value);
    case ResultCell::Kind::kString: return cell.string_value;
  }
  return "";
}

}  // namespace

ResultTable FinishResult(const Plan& plan, const PartialResult& merged) {
  ResultTable table;
  for (const PlanColumn& c : plan.columns) table.columns.push_back(c.name);
  std::vector<uint32_t> order(merged.group_count());
  std::iota(order.begin(), order.end(), 0u);
  const size_t parts = static_cast<size_t>(merged.shape().key_parts);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    for (size_t i = 0; i < parts; ++i) {
      const int c = CompareKeyParts(merged.key(a)[i], merged.key(b)[i]);
      if (c != 0) return c < 0;
    }
    return false;
  });
  if (plan.limit >= 0 && order.size() > static_cast<size_t>(plan.limit)) order.resize(static_cast<size_t>(plan.limit));
  for (uint32_t g : order) {
    std::vector<ResultCell> row;
    for (const PlanColumn& c : plan.columns) {
      const size_t i = static_cast<size_t>(c.index);
      if (c.is_dimension) {
        row.push_back(DimensionCell(plan.dimensions[i], merged.key(g)[i]));
      } else {
        row.push_back(AggregateCell(plan.aggregates[i], merged.states(g)[i], merged.distinct(g, i)));
      }
    }
    table.rows.push_back(std::move(row));
  }
  return table;
}

std::string ResultTableText(const ResultTable& table) {
  std::vector<size_t> width(table.columns.size());
  std::vector<std::vector<std::string>> cells;
  for (size_t c = 0; c < table.columns.size(); ++c) width[c] = table.columns[c].size();
  for (const auto& row : table.rows) {
    std::vector<std::string> texts;
    for (size_t c = 0; c < row.size(); ++c) {
      texts.push_back(CellText(row[c]));
      width[c] = std::max(width[c], texts.back().size());
    }
    cells.push_back(std::move(texts));
  }
  std::string out;
  for (size_t c = 0; c < table.columns.size(); ++c) {
    std::string header = table.columns[c];
    for (char& ch : header) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    out += fmt::format("{}{:<{}}", c ? "  " : "", header, c + 1 < table.columns.size() ? width[c] : 0);
  }
  out += '\n';
  for (size_t r = 0; r < cells.size(); ++r) {
    for (size_t c = 0; c < cells[r].size(); ++c) {
      const bool numeric =
          table.rows[r][c].kind == ResultCell::Kind::kInt || table.rows[r][c].kind == ResultCell::Kind::kDouble;
      const size_t w = c + 1 < cells[r].size() || numeric ? width[c] : 0;
      out += numeric ? fmt::format("{}{:>{}}", c ? "  " : "", cells[r][c], w)
                     : fmt::format("{}{:<{}}", c ? "  " : "", cells[r][c], w);
    }
    out += '\n';
  }
  return out;
}

}  // namespace datablox::eql
