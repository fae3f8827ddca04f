// ParseSchema: tokens to a Schema, then the checks of schema_check.cc.
//
// Each field and each item of the schema (version, root, structure) is
// parsed on its own and kept only when it parsed completely, so the checks
// never see half a field. After a syntax error the parser skips to the next
// field or item and goes on: one run reports every error of the file.

#include "cell/brio/schema_parser.h"

#include <fmt/format.h>

#include <algorithm>
#include <tuple>
#include <utility>

#include "cell/brio/schema_check.h"
#include "cell/brio/schema_lexer.h"
#include "cell/brio/schema_limits.h"
#include "dsl/suggest.h"

namespace datablox::brio {
namespace {

using Kind = SchemaTokenKind;

const std::vector<std::string>& ScalarNames() {
  static const std::vector<std::string> names = {"boolean", "byte", "short", "integer", "long", "double", "string"};
  return names;
}
constexpr const char* kScalarList = "boolean, byte, short, integer, long, double or string";

// "; did you mean 'ordinal'?" or "".
std::string WordSuggestion(std::string_view wrong, const std::vector<std::string>& names) {
  const std::string best = dsl::ClosestName(wrong, names);
  return best.empty() ? "" : fmt::format("; did you mean '{}'?", best);
}

class SchemaParser {
 public:
  SchemaParser(std::vector<SchemaToken> tokens, const std::string& file, std::vector<SchemaError>* errors)
      : tokens_(std::move(tokens)), file_(file), errors_(errors) {}

  Schema Run() {
    ParseFile();
    // A version written wrongly leaves the schema's unknown: comparing `since`
    // with the default would only echo that error.
    marks_.version_known = version_seen_ || !version_written_;
    CheckSchemaWithMarks(&schema_, &marks_, file_, errors_);
    return std::move(schema_);
  }

 private:
  // --- the token walk -------------------------------------------------------

  const SchemaToken& Peek(size_t ahead = 0) const {
    const size_t index = pos_ + ahead;
    return index < tokens_.size() ? tokens_[index] : tokens_.back();
  }
  bool At(Kind kind, size_t ahead = 0) const { return Peek(ahead).kind == kind; }
  bool AtWord(std::string_view word, size_t ahead = 0) const {
    return At(Kind::kIdent, ahead) && Peek(ahead).text == word;
  }
  const SchemaToken& Take() {
    const SchemaToken& token = tokens_[pos_];
    if (pos_ + 1 < tokens_.size()) ++pos_;  // the final kEnd is never passed
    return token;
  }
  static SchemaPos Pos(const SchemaToken& token) { return SchemaPos{token.line, token.column}; }

  void Report(SchemaPos pos, std::string message) { errors_->push_back(SchemaError{file_, pos, std::move(message)}); }
  // A lexer error token carries a better message than "expected X" (it says
  // why the text is no token at all), so it wins. Returns false.
  bool Fail(const SchemaToken& at, std::string message) {
    Report(Pos(at), at.kind == Kind::kError ? at.text : std::move(message));
    return false;
  }
  bool Expected(std::string_view what, const SchemaToken& found) {
    return Fail(found, fmt::format("expected {}, found {}", what, DescribeSchemaToken(found)));
  }

  // Where parsing can start again after an error.
  bool AtFieldStart() const { return At(Kind::kInt) && At(Kind::kRParen, 1); }
  bool AtItemStart() const {
    return (AtWord("version") && At(Kind::kColon, 1)) || (AtWord("root") && At(Kind::kRParen, 1)) ||
           (AtWord("structure") && At(Kind::kIdent, 1) && At(Kind::kLBrace, 2));
  }

  bool StartsLine() const { return pos_ > 0 && tokens_[pos_].line > tokens_[pos_ - 1].line; }

  // Skips to the next field of a structure, its closing '}', (a brace left
  // open) the next item of the schema, or the next line: a field is written
  // on one line, so the next line is worth reading even when it does not
  // start like a field (a field without its ordinal).
  void RecoverInStructure() {
    auto at_sync = [&] { return At(Kind::kEnd) || At(Kind::kRBrace) || AtFieldStart() || AtItemStart(); };
    if (at_sync()) return;
    do Take();
    while (!at_sync() && !StartsLine());
  }
  // Skips to the next item of the schema or its closing '}', stepping over
  // whole brace pairs (a structure whose header broke).
  void RecoverInSchema() {
    int depth = 0;
    while (!At(Kind::kEnd)) {
      if (depth == 0 && (At(Kind::kRBrace) || AtItemStart())) return;
      if (At(Kind::kLBrace)) ++depth;
      if (At(Kind::kRBrace)) --depth;
      Take();
    }
  }

  // --- the file -------------------------------------------------------------

  // schema NAME { items } and nothing after it.
  void ParseFile() {
    if (!AtWord("schema")) {
      Expected("'schema NAME {'", Peek());
      header_broken_ = true;
      // Perhaps only the header is broken: read the body that follows.
      while (!At(Kind::kEnd) && !At(Kind::kLBrace)) Take();
      if (At(Kind::kEnd)) return;
    } else {
      Take();  // schema
      if (!At(Kind::kIdent)) {
        Expected("the schema's name after 'schema'", Peek());
        while (!At(Kind::kEnd) && !At(Kind::kLBrace)) Take();
        if (At(Kind::kEnd)) return;
      } else {
        schema_.name = Take().text;
      }
      if (!At(Kind::kLBrace)) {
        Expected(fmt::format("'{{' after 'schema {}'", schema_.name), Peek());
        while (!At(Kind::kEnd) && !At(Kind::kLBrace) && !AtItemStart()) Take();
        if (At(Kind::kEnd)) return;
      }
    }
    if (At(Kind::kLBrace)) Take();
    ParseSchemaBody();
    if (At(Kind::kRBrace)) {
      const SchemaToken& close = Take();
      // Without its header the text is no schema: "no root" would be noise.
      if (!version_written_ && !header_broken_) {
        Report(Pos(close), "the schema has no version (write 'version: 1' in it)");
      }
      if (!root_written_ && !header_broken_) {
        Report(Pos(close), "the schema has no root (write 'root) NAME : STRUCTURE' in it)");
      }
    } else {
      Expected(fmt::format("'}}' closing schema '{}'", schema_.name), Peek());
    }
    if (!At(Kind::kEnd)) Expected("end of file after the schema's closing '}' (one schema a file)", Peek());
  }

  void ParseSchemaBody() {
    while (!At(Kind::kEnd) && !At(Kind::kRBrace)) {
      if (!ParseItem()) RecoverInSchema();
    }
  }

  bool ParseItem() {
    if (AtWord("version") && At(Kind::kColon, 1)) return ParseVersion();
    if (AtWord("root") && At(Kind::kRParen, 1)) return ParseRoot();
    if (AtWord("structure")) return ParseStructure();
    if (AtFieldStart()) {
      return Fail(Peek(), "a field outside any structure (fields go in 'structure NAME { ... }')");
    }
    std::string hint;
    if (At(Kind::kIdent)) hint = WordSuggestion(Peek().text, {"version", "root", "structure"});
    return Fail(Peek(),
                fmt::format("expected 'version: N', 'root) NAME : STRUCTURE' or 'structure NAME {{', found {}{}",
                            DescribeSchemaToken(Peek()), hint));
  }

  // The N of `version: N` and `since N`: 1..kMaxSchemaVersion.
  bool ParseVersionNumber(std::string_view what, int* version) {
    // `since` at the end of a line: the next field's ordinal is no version.
    if (!At(Kind::kInt) || At(Kind::kRParen, 1)) {
      return Expected(fmt::format("a version number after '{}'", what), Peek());
    }
    const SchemaToken& number = Peek();
    if (number.int_value < 1 || number.int_value > kMaxSchemaVersion) {
      Take();
      return Fail(number, fmt::format("version {} is out of range (1..{})", number.int_value, kMaxSchemaVersion));
    }
    *version = static_cast<int>(Take().int_value);
    return true;
  }

  bool ParseVersion() {
    const SchemaToken& word = Take();
    Take();  // :
    const SchemaPos number_pos = Pos(Peek());
    int version = 0;
    version_written_ = true;
    if (!ParseVersionNumber("version:", &version)) return false;
    if (version_seen_) {
      Report(Pos(word), fmt::format("a second version (the first was given at line {}, column {})", marks_.version.line,
                                    marks_.version.column));
      return true;
    }
    version_seen_ = true;
    schema_.version = version;
    marks_.version = number_pos;
    return true;
  }

  // root) NAME : STRUCTURE
  bool ParseRoot() {
    const SchemaToken& word = Take();
    Take();  // )
    root_written_ = true;
    if (!At(Kind::kIdent)) return Expected("the root relation's name after 'root)'", Peek());
    const SchemaToken& name = Take();
    if (!At(Kind::kColon)) return Expected(fmt::format("':' after root relation '{}'", name.text), Peek());
    Take();
    if (!At(Kind::kIdent)) return Expected("the root's structure after ':'", Peek());
    const SchemaToken& type = Take();
    if (root_seen_) {
      return Fail(word, fmt::format("a second root (the first was declared at line {}, column {}; a schema has one)",
                                    marks_.root.line, marks_.root.column));
    }
    root_seen_ = true;
    schema_.root_name = name.text;
    marks_.root = Pos(word);
    marks_.root_type = Pos(type);
    marks_.root_structure = type.text;  // the checker resolves it
    return true;
  }

  // structure NAME { fields }
  bool ParseStructure() {
    Take();  // structure
    if (!At(Kind::kIdent)) return Expected("the structure's name after 'structure'", Peek());
    const SchemaToken& name = Take();
    if (name.text == "vector" || name.text == "map" || ScalarTypeFromName(name.text)) {
      Fail(name, fmt::format("'{}' is a type; a structure needs another name", name.text));
    }
    if (!At(Kind::kLBrace)) {
      Expected(fmt::format("'{{' after 'structure {}'", name.text), Peek());
      // The brace alone is missing when fields follow: read them.
      if (!AtFieldStart()) return false;
    } else {
      Take();
    }
    Structure structure;
    structure.name = name.text;
    structure.pos = Pos(name);
    std::vector<FieldMarks> field_marks;
    std::vector<int> broken_ordinals;
    while (!At(Kind::kEnd) && !At(Kind::kRBrace)) {
      if (AtItemStart()) {
        // The '}' was forgotten: the structure ends here, and the item is read.
        Report(Pos(Peek()), fmt::format("expected '}}' closing structure '{}', found {}", structure.name,
                                        DescribeSchemaToken(Peek())));
        break;
      }
      Field field;
      FieldMarks marks;
      field.ordinal = -1;
      if (ParseField(&field, &marks)) {
        structure.fields.push_back(std::move(field));
        field_marks.push_back(marks);
      } else {
        broken_ordinals.push_back(field.ordinal);  // -1: a field without its ordinal
        RecoverInStructure();
      }
    }
    if (At(Kind::kRBrace)) Take();
    else if (At(Kind::kEnd)) Expected(fmt::format("'}}' closing structure '{}'", structure.name), Peek());
    schema_.structures.push_back(std::move(structure));
    marks_.fields.push_back(std::move(field_marks));
    marks_.broken_ordinals.push_back(std::move(broken_ordinals));
    return true;
  }

  // ORD) name : TYPE [key] [ordinal] [since N]
  bool ParseField(Field* field, FieldMarks* marks) {
    if (!AtFieldStart()) {
      if (At(Kind::kIdent) && At(Kind::kColon, 1)) {
        return Fail(Peek(), fmt::format("field '{}' has no ordinal (write 'N) {} : TYPE', N from 0)", Peek().text,
                                        Peek().text));
      }
      if (At(Kind::kInt)) {
        field->ordinal = static_cast<int>(Peek().int_value);
        return Expected(fmt::format("')' after ordinal {}", Peek().text), Peek(1));
      }
      return Expected("a field (N) name : TYPE) or '}'", Peek());
    }
    const SchemaToken& ordinal = Take();
    Take();  // )
    field->ordinal = static_cast<int>(ordinal.int_value);
    if (!At(Kind::kIdent)) return Expected(fmt::format("a field name after '{})'", ordinal.text), Peek());
    const SchemaToken& name = Take();
    field->name = name.text;
    field->pos = Pos(name);
    if (!At(Kind::kColon)) return Expected(fmt::format("':' after field name '{}'", name.text), Peek());
    Take();
    if (!ParseType(field, marks)) return false;
    return ParseAnnotations(field, marks);
  }

  // A scalar (`long`), a structure (`Session`), vector[...] or map[k, v].
  bool ParseType(Field* field, FieldMarks* marks) {
    if (!At(Kind::kIdent)) return Expected("a type (a scalar, a structure, vector[...] or map[..., ...])", Peek());
    const SchemaToken& word = Take();
    marks->type = Pos(word);
    const bool bracket = At(Kind::kLBracket);
    if (word.text == "vector" && bracket) {
      Take();
      if (!At(Kind::kIdent)) return Expected("a scalar or a structure in vector[...]", Peek());
      const SchemaToken& element = Take();
      marks->type = Pos(element);
      if (auto scalar = ScalarTypeFromName(element.text)) {
        field->kind = FieldKind::kScalarVector;
        field->scalar = *scalar;
      } else {
        field->kind = FieldKind::kReferenceVector;
        field->structure = element.text;
      }
      if (!At(Kind::kRBracket)) return Expected("']' closing vector[...]", Peek());
      Take();
      return true;
    }
    if (word.text == "map" && bracket) {
      Take();
      field->kind = FieldKind::kScalarMap;
      if (!ParseMapScalar("key", &field->map_key)) return false;
      if (!At(Kind::kComma)) return Expected("',' between a map's key and value types", Peek());
      Take();
      if (!ParseMapScalar("value", &field->scalar)) return false;
      if (!At(Kind::kRBracket)) return Expected("']' closing map[..., ...]", Peek());
      Take();
      return true;
    }
    if (auto scalar = ScalarTypeFromName(word.text)) {
      field->kind = FieldKind::kScalar;
      field->scalar = *scalar;
    } else {
      field->kind = FieldKind::kReference;
      field->structure = word.text;
    }
    return true;
  }

  bool ParseMapScalar(std::string_view role, ScalarType* type) {
    if (!At(Kind::kIdent)) return Expected(fmt::format("the map's {} type (a scalar)", role), Peek());
    const SchemaToken& word = Peek();
    if (auto scalar = ScalarTypeFromName(word.text)) {
      Take();
      *type = *scalar;
      return true;
    }
    return Fail(word, fmt::format("a map's {} is a scalar ({}), not '{}'{}", role, kScalarList, word.text,
                                  WordSuggestion(word.text, ScalarNames())));
  }

  // key, ordinal and since N, in any order, each at most once; the next
  // field or the structure's '}' ends them.
  bool ParseAnnotations(Field* field, FieldMarks* marks) {
    bool since_given = false;
    for (;;) {
      if (At(Kind::kRBrace) || AtFieldStart() || At(Kind::kEnd) || AtItemStart()) return true;
      if (!At(Kind::kIdent)) {
        return Expected("'key', 'ordinal', 'since N', the next field or '}'", Peek());
      }
      const SchemaToken& word = Peek();
      auto once = [&](bool* given, SchemaPos* at) {
        if (*given) Report(Pos(word), fmt::format("'{}' given twice for field '{}'", word.text, field->name));
        *given = true;
        *at = Pos(word);
        Take();
      };
      if (word.text == "key") {
        once(&field->key, &marks->key);
      } else if (word.text == "ordinal") {
        once(&field->ordering, &marks->ordering);
      } else if (word.text == "since") {
        const SchemaPos since_word = Pos(word);
        if (since_given) Report(since_word, fmt::format("'since' given twice for field '{}'", field->name));
        Take();
        marks->since = Pos(Peek());
        if (!ParseVersionNumber("since", &field->since_version)) return false;
        since_given = true;
      } else {
        return Fail(word,
                    fmt::format("expected 'key', 'ordinal', 'since N', the next field or '}}', found {}{}",
                                DescribeSchemaToken(word), WordSuggestion(word.text, {"key", "ordinal", "since"})));
      }
    }
  }

  std::vector<SchemaToken> tokens_;
  size_t pos_ = 0;
  const std::string& file_;
  std::vector<SchemaError>* errors_;
  Schema schema_;
  SchemaMarks marks_;
  bool version_seen_ = false;     // a version parsed
  bool version_written_ = false;  // one was written, perhaps wrongly
  bool root_seen_ = false;        // a root parsed
  bool root_written_ = false;     // one was written, perhaps wrongly
  bool header_broken_ = false;
};

}  // namespace

std::string SchemaError::ToString() const {
  return fmt::format("{}:{}:{}: error: {}", file, pos.line, pos.column, message);
}

Schema ParseSchema(std::string_view text, const std::string& file, std::vector<SchemaError>* errors) {
  const size_t first_new = errors->size();
  Schema schema = SchemaParser(TokenizeSchema(text), file, errors).Run();
  std::stable_sort(errors->begin() + static_cast<std::ptrdiff_t>(first_new), errors->end(),
                   [](const SchemaError& a, const SchemaError& b) {
                     return std::tie(a.pos.line, a.pos.column) < std::tie(b.pos.line, b.pos.column);
                   });
  return schema;
}

void CheckSchema(Schema* schema, const std::string& file, std::vector<SchemaError>* errors) {
  CheckSchemaWithMarks(schema, nullptr, file, errors);
}

}  // namespace datablox::brio
