// The checks of a schema after its syntax (schema_check.h). Each reports
// every error it finds and goes on, so one run lists them all.

#include "cell/brio/schema_check.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <numeric>
#include <utility>

#include "cell/brio/schema_describe.h"
#include "cell/brio/schema_limits.h"
#include "dsl/suggest.h"

namespace datablox::brio {
namespace {

std::string WrittenAt(SchemaPos pos) { return fmt::format("line {}, column {}", pos.line, pos.column); }

bool ContainsStructure(const Field& field) {
  return field.kind == FieldKind::kReference || field.kind == FieldKind::kReferenceVector;
}

class SchemaChecker {
 public:
  SchemaChecker(Schema* schema, const SchemaMarks* marks, const std::string& file, std::vector<SchemaError>* errors)
      : schema_(*schema), marks_(marks), file_(file), errors_(errors) {}

  void Run() {
    if (schema_.structures.size() > static_cast<size_t>(kMaxStructures)) {
      Report(schema_.structures[kMaxStructures].pos,
             fmt::format("more than {} structures (the limit for a schema)", kMaxStructures));
      return;
    }
    CheckStructureNames();
    for (size_t s = 0; s < schema_.structures.size(); ++s) CheckStructure(s);
    CheckRoot();
    if (CheckNoCycles()) CheckDepth();
  }

 private:
  void Report(SchemaPos pos, std::string message) { errors_->push_back(SchemaError{file_, pos, std::move(message)}); }

  // The marks of a field as written, or its own position for all of them.
  FieldMarks MarksOf(size_t structure, size_t field) const {
    if (marks_ && structure < marks_->fields.size() && field < marks_->fields[structure].size()) {
      return marks_->fields[structure][field];
    }
    const SchemaPos pos = schema_.structures[structure].fields[field].pos;
    return FieldMarks{pos, pos, pos, pos};
  }

  const std::vector<int>& BrokenOrdinals(size_t structure) const {
    static const std::vector<int> kNone;
    return marks_ && structure < marks_->broken_ordinals.size() ? marks_->broken_ordinals[structure] : kNone;
  }

  void CheckStructureNames() {
    std::map<std::string, size_t, std::less<>> first;
    for (size_t s = 0; s < schema_.structures.size(); ++s) {
      const Structure& structure = schema_.structures[s];
      structure_names_.push_back(structure.name);
      auto [it, inserted] = first.emplace(structure.name, s);
      if (!inserted) {
        Report(structure.pos, fmt::format("structure '{}' declared twice (first at {})", structure.name,
                                          WrittenAt(schema_.structures[it->second].pos)));
      }
    }
  }

  // The index of the first structure of that name, or -1.
  int Find(std::string_view name) const { return schema_.FindStructure(name); }

  // "; did you mean 'Session'?" among structures and scalars, or "".
  // Only the first kMaxSuggestions: each compares with every structure's
  // name, and a hostile file could hold a hundred thousand unknown types.
  std::string Suggestion(std::string_view wrong) {
    if (suggestions_made_ == kMaxSuggestions) return "";
    ++suggestions_made_;
    std::vector<std::string> names = structure_names_;
    for (ScalarType t : {ScalarType::kBoolean, ScalarType::kByte, ScalarType::kShort, ScalarType::kInteger,
                         ScalarType::kLong, ScalarType::kDouble, ScalarType::kString}) {
      names.emplace_back(ScalarTypeName(t));
    }
    const std::string best = dsl::ClosestName(wrong, names);
    return best.empty() ? "" : fmt::format("; did you mean '{}'?", best);
  }

  void CheckStructure(size_t s) {
    Structure& structure = schema_.structures[s];
    const size_t count = structure.fields.size();
    if (count > static_cast<size_t>(kMaxFieldsPerStructure)) {
      Report(structure.fields[kMaxFieldsPerStructure].pos,
             fmt::format("structure '{}' has more than {} fields (the limit)", structure.name, kMaxFieldsPerStructure));
      return;
    }
    std::map<std::string, size_t, std::less<>> by_name;
    std::map<int, size_t> by_ordinal;
    const Field* ordering = nullptr;
    for (size_t f = 0; f < count; ++f) {
      Field& field = structure.fields[f];
      const FieldMarks marks = MarksOf(s, f);
      if (auto [it, inserted] = by_name.emplace(field.name, f); !inserted) {
        Report(field.pos, fmt::format("field '{}' declared twice in structure '{}' (first at {})", field.name,
                                      structure.name, WrittenAt(structure.fields[it->second].pos)));
      }
      CheckOrdinal(s, f, &by_ordinal);
      // An unknown type is reported once: a mark on it would only echo it.
      const bool resolved = ResolveReference(&field, marks);
      CheckSince(field, marks);
      if (!resolved) continue;
      if (field.key && field.kind != FieldKind::kScalar) {
        Report(marks.key, fmt::format("'key' on field '{}', a {}: only a scalar field can be a key", field.name,
                                      FieldTypeText(field)));
      }
      if (field.ordering && field.kind != FieldKind::kScalar) {
        Report(marks.ordering, fmt::format("'ordinal' on field '{}', a {}: only a scalar field orders a vector",
                                           field.name, FieldTypeText(field)));
      } else if (field.ordering && ordering) {
        Report(marks.ordering, fmt::format("a second 'ordinal' in structure '{}' (field '{}' is its ordinal already)",
                                           structure.name, ordering->name));
      } else if (field.ordering) {
        ordering = &field;
      }
    }
    SortByOrdinal(s);
  }

  // Ordinals are 0..n-1, each once: a field keeps its ordinal across versions.
  void CheckOrdinal(size_t s, size_t f, std::map<int, size_t>* by_ordinal) {
    const Structure& structure = schema_.structures[s];
    const Field& field = structure.fields[f];
    const std::vector<int>& broken = BrokenOrdinals(s);
    const int count = static_cast<int>(structure.fields.size() + broken.size());
    if (std::find(broken.begin(), broken.end(), field.ordinal) != broken.end()) return;
    if (auto [it, inserted] = by_ordinal->emplace(field.ordinal, f); !inserted) {
      Report(field.pos, fmt::format("ordinal {} given twice in structure '{}' (field '{}' at {} has it)", field.ordinal,
                                    structure.name, structure.fields[it->second].name,
                                    WrittenAt(structure.fields[it->second].pos)));
      return;
    }
    if (field.ordinal >= 0 && field.ordinal < count) return;
    if (std::find(broken.begin(), broken.end(), -1) != broken.end()) return;  // any might be missing
    const std::string& missing_text = MissingOrdinals(s, count);
    Report(field.pos, fmt::format("ordinal {} of field '{}' is out of range: structure '{}' has {} field{}, numbered "
                                  "0..{}{}",
                                  field.ordinal, field.name, structure.name, count, count == 1 ? "" : "s", count - 1,
                                  missing_text.empty() ? "" : fmt::format(" ({} missing)", missing_text)));
  }

  const std::string& MissingOrdinals(size_t s, int count) {
    auto [it, inserted] = missing_ordinals_.emplace(s, "");
    if (!inserted) return it->second;
    std::vector<bool> used(static_cast<size_t>(count), false);
    for (int o : BrokenOrdinals(s))
      if (o >= 0 && o < count) used[static_cast<size_t>(o)] = true;
    for (const Field& field : schema_.structures[s].fields)
      if (field.ordinal >= 0 && field.ordinal < count) used[static_cast<size_t>(field.ordinal)] = true;
    for (int o = 0; o < count; ++o)
      if (!used[static_cast<size_t>(o)]) it->second += fmt::format("{}{}", it->second.empty() ? "" : ", ", o);
    return it->second;
  }

  // Whether the field is a scalar one or names a structure that exists.
  bool ResolveReference(Field* field, const FieldMarks& marks) {
    if (!ContainsStructure(*field)) return true;
    if (field->structure.empty()) {  // built in code by index
      if (field->structure_index >= 0 && static_cast<size_t>(field->structure_index) < schema_.structures.size()) {
        field->structure = schema_.structures[static_cast<size_t>(field->structure_index)].name;
        return true;
      }
      Report(marks.type, fmt::format("field '{}' names no structure", field->name));
      return false;
    }
    field->structure_index = Find(field->structure);
    if (field->structure_index >= 0) return true;
    Report(marks.type, fmt::format("unknown type '{}' (neither a scalar nor a structure of this schema){}",
                                   field->structure, Suggestion(field->structure)));
    return false;
  }

  void CheckSince(const Field& field, const FieldMarks& marks) {
    const bool version_known = !marks_ || marks_->version_known;
    if (field.since_version < 1 || (version_known && field.since_version > schema_.version)) {
      Report(marks.since, fmt::format("field '{}' is since version {}, but the schema is at version {}", field.name,
                                      field.since_version, schema_.version));
    } else if (field.key && field.since_version > 1) {
      Report(marks.since, fmt::format("key field '{}' is since version {}: a key is in every version (blobs of "
                                      "version {} would have none)",
                                      field.name, field.since_version, field.since_version - 1));
    }
  }

  // Fields in ordinal order, their marks with them.
  void SortByOrdinal(size_t s) {
    Structure& structure = schema_.structures[s];
    std::vector<size_t> order(structure.fields.size());
    std::iota(order.begin(), order.end(), size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return structure.fields[a].ordinal < structure.fields[b].ordinal; });
    std::vector<Field> fields;
    std::vector<FieldMarks> marks;
    for (size_t i : order) {
      fields.push_back(std::move(structure.fields[i]));
      marks.push_back(MarksOf(s, i));
    }
    structure.fields = std::move(fields);
    sorted_marks_.resize(schema_.structures.size());
    sorted_marks_[s] = std::move(marks);
  }

  // A reference's mark after the sort.
  SchemaPos TypeMark(size_t s, size_t f) const {
    if (s < sorted_marks_.size() && f < sorted_marks_[s].size()) return sorted_marks_[s][f].type;
    return schema_.structures[s].fields[f].pos;
  }

  void CheckRoot() {
    if (marks_) {
      if (marks_->root.line == 0) return;  // the parser said there is none
      schema_.root_structure = Find(marks_->root_structure);
      if (schema_.root_structure >= 0) return;
      if (ScalarTypeFromName(marks_->root_structure)) {
        Report(marks_->root_type, fmt::format("the root '{}' is a structure, not the scalar '{}'", schema_.root_name,
                                              marks_->root_structure));
      } else {
        Report(marks_->root_type, fmt::format("unknown structure '{}' for the root '{}'{}", marks_->root_structure,
                                              schema_.root_name, Suggestion(marks_->root_structure)));
      }
      return;
    }
    if (schema_.root_structure < 0 || static_cast<size_t>(schema_.root_structure) >= schema_.structures.size()) {
      Report(SchemaPos{}, fmt::format("the schema '{}' has no root structure", schema_.name));
    }
  }

  // Containment is a tree: no structure contains itself, however far down;
  // the presser and the reader would recurse without end. An iterative depth
  // first search, so a long chain cannot exhaust this stack either. Returns
  // whether there was no cycle (the depth check needs none).
  bool CheckNoCycles() {
    enum class Color : uint8_t { kWhite, kGrey, kBlack };
    const size_t n = schema_.structures.size();
    std::vector<Color> color(n, Color::kWhite);
    post_order_.clear();
    bool acyclic = true;
    struct Frame {
      size_t structure;
      size_t next_field;
    };
    for (size_t start = 0; start < n; ++start) {
      if (color[start] != Color::kWhite) continue;
      std::vector<Frame> stack{{start, 0}};
      color[start] = Color::kGrey;
      while (!stack.empty()) {
        Frame& top = stack.back();
        const Structure& structure = schema_.structures[top.structure];
        if (top.next_field == structure.fields.size()) {
          color[top.structure] = Color::kBlack;
          post_order_.push_back(top.structure);
          stack.pop_back();
          continue;
        }
        const size_t f = top.next_field++;
        const Field& field = structure.fields[f];
        if (!ContainsStructure(field) || field.structure_index < 0) continue;
        const auto child = static_cast<size_t>(field.structure_index);
        if (color[child] == Color::kWhite) {
          color[child] = Color::kGrey;
          stack.push_back({child, 0});
        } else if (color[child] == Color::kGrey) {
          acyclic = false;
          std::string path;
          bool on_cycle = false;
          for (const Frame& frame : stack) {
            on_cycle = on_cycle || frame.structure == child;
            if (on_cycle) path += schema_.structures[frame.structure].name + " -> ";
          }
          path += schema_.structures[child].name;
          Report(TypeMark(top.structure, f),
                 fmt::format("structure '{}' contains itself ({}): containment must be a tree, or the presser and "
                             "the reader would recurse without end",
                             schema_.structures[child].name, path));
        }
      }
    }
    return acyclic;
  }

  // Levels below the root, from the post order of the search above (children
  // before parents), without recursion.
  void CheckDepth() {
    if (schema_.root_structure < 0) return;
    std::vector<int> height(schema_.structures.size(), 0);
    for (size_t s : post_order_) {
      for (const Field& field : schema_.structures[s].fields) {
        if (ContainsStructure(field) && field.structure_index >= 0) {
          height[s] = std::max(height[s], height[static_cast<size_t>(field.structure_index)] + 1);
        }
      }
    }
    const int depth = height[static_cast<size_t>(schema_.root_structure)];
    if (depth <= kMaxContainmentDepth) return;
    const SchemaPos at = marks_ ? marks_->root_type : schema_.root().pos;
    Report(at, fmt::format("the containment tree is {} levels deep below the root (the limit is {})", depth,
                           kMaxContainmentDepth));
  }

  Schema& schema_;
  const SchemaMarks* marks_;
  const std::string& file_;
  std::vector<SchemaError>* errors_;
  std::vector<std::string> structure_names_;
  std::vector<std::vector<FieldMarks>> sorted_marks_;
  std::vector<size_t> post_order_;
  static constexpr int kMaxSuggestions = 100;
  int suggestions_made_ = 0;
  // [structure]: "1, 2" for the ordinals no field has, made once per structure.
  std::map<size_t, std::string> missing_ordinals_;
};

}  // namespace

void CheckSchemaWithMarks(Schema* schema, const SchemaMarks* marks, const std::string& file,
                          std::vector<SchemaError>* errors) {
  SchemaChecker(schema, marks, file, errors).Run();
}

}  // namespace datablox::brio
