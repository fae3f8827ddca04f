#include "cell/catalog/catalog_protocol.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <set>

namespace datablox::catalog {
namespace {

using nlohmann::json;

constexpr const char* kOpNames[] = {"list", "show", "add", "remove", "find_view", "bump"};
constexpr const char* kKindNames[] = {"domain", "view", "query"};
constexpr const char* kRefusalNames[] = {"invalid", "not_found", "unreadable", "storage"};
static_assert(std::size(kOpNames) == static_cast<size_t>(Op::kBump) + 1);
static_assert(std::size(kKindNames) == static_cast<size_t>(Kind::kQuery) + 1);
static_assert(std::size(kRefusalNames) == static_cast<size_t>(Refusal::kStorage) + 1);

// Reads the fields of one JSON object, refusing what it does not know.
class Fields {
 public:
  Fields(const json& in, std::string where) : in_(in), where_(std::move(where)) {
    if (!in.is_object()) status_ = Status::Invalid(fmt::format("{}: must be an object", where_));
  }
  Fields& text(const char* name, std::string* out, bool required, size_t max = kMaxMonikerBytes) {
    known_.insert(name);
    const json* v = Find(name, required);
    if (!v) return *this;
    if (!v->is_string()) return Fail(fmt::format("{}.{}: must be a string", where_, name));
    if (v->get_ref<const std::string&>().size() > max)
      return Fail(fmt::format("{}.{}: longer than {} bytes", where_, name, max));
    *out = v->get<std::string>();
    return *this;
  }
  Fields& integer(const char* name, int64_t* out) {
    known_.insert(name);
    const json* v = Find(name, false);
    if (!v) return *this;
    if (!v->is_number_integer()) return Fail(fmt::format("{}.{}: must be an integer", where_, name));
    *out = v->get<int64_t>();
    return *this;
  }
  Fields& properties(Properties* out) {
    known_.insert("properties");
    const json* v = Find("properties", false);
    if (!v) return *this;
    if (!v->is_object()) return Fail(fmt::format("{}.properties: must be an object of strings", where_));
    if (v->size() > kMaxProperties) return Fail(fmt::format("{}.properties: more than {}", where_, kMaxProperties));
    for (const auto& [key, value] : v->items()) {
      if (!value.is_string() || key.empty() || key.size() > kMaxMonikerBytes ||
          value.get_ref<const std::string&>().size() > kMaxTextBytes)
        return Fail(
            fmt::format("{}.properties.{}: must be a string (a name of 1..{} bytes)", where_, key, kMaxMonikerBytes));
      (*out)[key] = value.get<std::string>();
    }
    return *this;
  }
  // Marks a field as read elsewhere.
  Fields& known(const char* name) {
    known_.insert(name);
    return *this;
  }
  const Status& status() const { return status_; }
  Status done() {
    if (!status_.ok()) return status_;
    for (const auto& [key, value] : in_.items()) {
      if (!known_.count(key)) return Status::Invalid(fmt::format("{}: unknown field '{}'", where_, key));
    }
    return Status::OK();
  }

 private:
  const json* Find(const char* name, bool required) {
    if (!status_.ok()) return nullptr;
    auto it = in_.find(name);
    if (it == in_.end()) {
      if (required) Fail(fmt::format("{}: needs \"{}\"", where_, name));
      return nullptr;
    }
    return &*it;
  }
  Fields& Fail(std::string message) {
    if (status_.ok()) status_ = Status::Invalid(message);
    return *this;
  }
  const json& in_;
  std::string where_;
  std::set<std::string, std::less<>> known_;
  Status status_;
};

json PropertiesJson(const Properties& properties) {
  json out = json::object();
  for (const auto& [key, value] : properties) out[key] = value;
  return out;
}

}  // namespace

Status CheckMoniker(std::string_view moniker) {
  if (moniker.empty()) return Status::Invalid("a moniker must not be empty");
  if (moniker.size() > kMaxMonikerBytes)
    return Status::Invalid(fmt::format("moniker longer than {} bytes", kMaxMonikerBytes));
  for (size_t i = 0; i < moniker.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(moniker[i]);
    const bool alnum = std::isalnum(c) != 0;
    if (!alnum && (i == 0 || (c != '_' && c != '.' && c != '-')))
      return Status::Invalid(
          fmt::format("moniker '{}': letters, digits, '_', '.' and '-' only, starting with a "
                      "letter or a digit",
                      moniker));
  }
  return Status::OK();
}

const char* KindName(Kind kind) { return kKindNames[static_cast<size_t>(kind)]; }
const char* RefusalName(Refusal code) { return kRefusalNames[static_cast<size_t>(code)]; }

std::optional<Kind> KindFromName(std::string_view name) {
  for (size_t i = 0; i < std::size(kKindNames); ++i) {
    if (name == kKindNames[i]) return static_cast<Kind>(i);
  }
  return std::nullopt;
}

json ToJson(const Domain& d) {
  return {{"key", d.key}, {"moniker", d.moniker}, {"properties", PropertiesJson(d.properties)}};
}

json ToJson(const View& v) {
  return {{"key", v.key},
          {"moniker", v.moniker},
          {"domain", v.domain},
          {"view_file", v.view_file},
          {"schema", v.schema},
          {"shape", v.shape},
          {"levels", v.levels},
          {"store", v.store},
          {"location", v.location},
          {"properties", PropertiesJson(v.properties)},
          {"generation", v.generation}};
}

json ToJson(const SavedQuery& q) {
  return {{"key", q.key}, {"moniker", q.moniker}, {"view", q.view}, {"text", q.text}};
}

Status FromJson(const json& in, Domain* out) {
  return Fields(in, "domain")
      .integer("key", &out->key)
      .text("moniker", &out->moniker, true)
      .properties(&out->properties)
      .done();
}

Status FromJson(const json& in, View* out) {
  int64_t levels = 0;
  Status st = Fields(in, "view")
                  .integer("key", &out->key)
                  .text("moniker", &out->moniker, true)
                  .text("domain", &out->domain, true)
                  .text("view_file", &out->view_file, true, kMaxTextBytes)
                  .text("schema", &out->schema, false, kMaxTextBytes)
                  .text("shape", &out->shape, false)
                  .integer("levels", &levels)
                  .text("store", &out->store, false, kMaxTextBytes)
                  .text("location", &out->location, false, kMaxTextBytes)
                  .properties(&out->properties)
                  .integer("generation", &out->generation)
                  .done();
  out->levels = static_cast<int>(levels);
  return st;
}

Status FromJson(const json& in, SavedQuery* out) {
  return Fields(in, "query")
      .integer("key", &out->key)
      .text("moniker", &out->moniker, true)
      .text("view", &out->view, true)
      .text("text", &out->text, true, kMaxTextBytes)
      .done();
}

json EncodeRequest(const Request& r) {
  json out = {{"op", kOpNames[static_cast<size_t>(r.op)]}};
  if (r.kind) out["kind"] = KindName(*r.kind);
  switch (r.op) {
    case Op::kList: break;
    case Op::kShow:
    case Op::kRemove:
    case Op::kFindView:
    case Op::kBump: out["moniker"] = r.moniker; break;
    case Op::kAdd:
      if (r.kind == Kind::kDomain) out["domain"] = ToJson(r.domain);
      if (r.kind == Kind::kView) out["view"] = ToJson(r.view);
      if (r.kind == Kind::kQuery) out["query"] = ToJson(r.query);
      break;
  }
  return out;
}

Status DecodeRequest(const json& in, Request* out) {
  *out = Request();
  if (!in.is_object()) return Status::Invalid("a request must be a JSON object");
  auto op_field = in.find("op");
  std::string ops;
  for (const char* name : kOpNames) ops += (ops.empty() ? "" : ", ") + std::string(name);
  if (op_field == in.end() || !op_field->is_string())
    return Status::Invalid(fmt::format("a request needs \"op\": one of {}", ops));
  const std::string& op = op_field->get_ref<const std::string&>();
  size_t index = 0;
  while (index < std::size(kOpNames) && op != kOpNames[index]) ++index;
  if (index == std::size(kOpNames)) return Status::Invalid(fmt::format("unknown op '{}': one of {}", op, ops));
  out->op = static_cast<Op>(index);

  const bool needs_kind = out->op == Op::kShow || out->op == Op::kAdd || out->op == Op::kRemove;
  std::string kind;
  Fields fields(in, "request");
  fields.known("op").text("kind", &kind, needs_kind);
  if (!fields.status().ok()) return fields.status();
  if (!kind.empty()) {
    out->kind = KindFromName(kind);
    if (!out->kind) return Status::Invalid(fmt::format("unknown kind '{}': domain, view or query", kind));
  }
  switch (out->op) {
    case Op::kList: break;
    case Op::kShow:
    case Op::kRemove: fields.text("moniker", &out->moniker, true); break;
    case Op::kFindView:
    case Op::kBump:
      if (out->kind && *out->kind != Kind::kView)
        return Status::Invalid(fmt::format("op '{}' is about views only", op));
      out->kind = Kind::kView;
      fields.text("moniker", &out->moniker, true);
      break;
    case Op::kAdd: {
      const char* name = KindName(*out->kind);
      fields.known(name);
      auto entity = in.find(name);
      if (entity == in.end())
        return Status::Invalid(fmt::format("request: adding a {} needs \"{}\": {{...}}", name, name));
      Status st = *out->kind == Kind::kDomain ? FromJson(*entity, &out->domain)
                  : *out->kind == Kind::kView ? FromJson(*entity, &out->view)
                                              : FromJson(*entity, &out->query);
      if (!st.ok()) return st;
      break;
    }
  }
  return fields.done();
}

json EncodeRefused(const Refused& refused) {
  return {{"refused", {{"code", RefusalName(refused.code)}, {"message", refused.message}, {"errors", refused.errors}}}};
}

bool DecodeRefused(const json& answer, Refused* out) {
  if (!answer.is_object()) return false;
  auto it = answer.find("refused");
  if (it == answer.end() || !it->is_object()) return false;
  *out = Refused();
  const std::string code = it->value("code", std::string());
  out->code = Refusal::kStorage;  // a code this side does not know: not the user's input
  for (size_t i = 0; i < std::size(kRefusalNames); ++i) {
    if (code == kRefusalNames[i]) out->code = static_cast<Refusal>(i);
  }
  out->message = it->value("message", std::string());
  if (auto errors = it->find("errors"); errors != it->end() && errors->is_array()) {
    for (const json& e : *errors) {
      if (e.is_string()) out->errors.push_back(e.get<std::string>());
    }
  }
  return true;
}

}  // namespace datablox::catalog
