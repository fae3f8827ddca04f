#include "cell/catalog/catalog_service.h"

#include <fmt/format.h>

#include "runtime/core/bounded_json.h"
#include "cell/samplestore/loaded_view.h"

namespace datablox::catalog {
namespace {

using nlohmann::json;

json Refuse(Refusal code, std::string message, std::vector<std::string> errors = {}) {
  return EncodeRefused({code, std::move(message), std::move(errors)});
}

template <typename T>
json Entities(const std::vector<T>& list) {
  json out = json::array();
  for (const T& e : list) out.push_back(ToJson(e));
  return out;
}

}  // namespace

json RefusedFor(const Status& st) {
  switch (st.code()) {
    case Status::Code::kInvalid: return Refuse(Refusal::kInvalid, st.message());
    case Status::Code::kNotFound: return Refuse(Refusal::kNotFound, st.message());
    default: return Refuse(Refusal::kStorage, st.message());
  }
}

Status CatalogService::HandleText(std::string_view text, json* answer) {
  json request;
  if (Status st = ParseBoundedJson(text, &request, kMaxRequestDepth); !st.ok()) return st;
  return Handle(request, answer);
}

Status CatalogService::Handle(const json& in, json* answer) {
  Request request;
  if (Status st = DecodeRequest(in, &request); !st.ok()) return st;
  switch (request.op) {
    case Op::kList: *answer = List(request); break;
    case Op::kShow:
    case Op::kFindView: *answer = Show(request); break;
    case Op::kAdd: *answer = Add(request); break;
    case Op::kRemove: *answer = Remove(request); break;
    case Op::kBump: {
      View view;
      Status st = store_->BumpGeneration(request.moniker, &view);
      *answer = st.ok() ? json{{"view", ToJson(view)}} : RefusedFor(st);
      break;
    }
  }
  return Status::OK();
}

json CatalogService::List(const Request& request) {
  json out = json::object();
  const bool all = !request.kind.has_value();
  if (all || request.kind == Kind::kDomain) {
    std::vector<Domain> list;
    if (Status st = store_->ListDomains(&list); !st.ok()) return RefusedFor(st);
    out["domains"] = Entities(list);
  }
  if (all || request.kind == Kind::kView) {
    std::vector<View> list;
    if (Status st = store_->ListViews(&list); !st.ok()) return RefusedFor(st);
    out["views"] = Entities(list);
  }
  if (all || request.kind == Kind::kQuery) {
    std::vector<SavedQuery> list;
    if (Status st = store_->ListQueries(&list); !st.ok()) return RefusedFor(st);
    out["queries"] = Entities(list);
  }
  return out;
}

json CatalogService::Show(const Request& request) {
  Status st;
  json entity;
  switch (*request.kind) {
    case Kind::kDomain: {
      Domain d;
      st = store_->FindDomain(request.moniker, &d);
      entity = ToJson(d);
      break;
    }
    case Kind::kView: {
      View v;
      st = store_->FindView(request.moniker, &v);
      entity = ToJson(v);
      break;
    }
    case Kind::kQuery: {
      SavedQuery q;
      st = store_->FindQuery(request.moniker, &q);
      entity = ToJson(q);
      break;
    }
  }
  if (!st.ok()) return RefusedFor(st);
  return {{KindName(*request.kind), entity}};
}

bool CatalogService::CheckViewFile(View* view, json* refusal) {
  std::vector<samplestore::ViewError> errors;
  std::unique_ptr<samplestore::LoadedView> loaded;
  samplestore::LoadedView::Load(view->view_file, &loaded, &errors);
  if (!errors.empty()) {
    std::vector<std::string> lines;
    for (const samplestore::ViewError& e : errors) lines.push_back(e.ToString());
    const bool unreadable = errors.size() == 1 && errors[0].line == 0 && errors[0].file == view->view_file;
    *refusal = Refuse(unreadable ? Refusal::kUnreadable : Refusal::kInvalid,
                      fmt::format("view '{}': {} does not check ({} error{})", view->moniker, view->view_file,
                                  errors.size(), errors.size() == 1 ? "" : "s"),
                      std::move(lines));
    return false;
  }
  const samplestore::ViewDefinition& d = loaded->definition();
  view->schema = d.schema_path;
  view->shape = d.shape == samplestore::ViewShape::kFlat ? "flat" : "nested";
  view->levels = static_cast<int>(d.grouping.levels.size());
  if (view->location.empty()) view->location = d.location;
  return true;
}

json CatalogService::Add(Request& request) {
  Status st;
  json entity;
  switch (*request.kind) {
    case Kind::kDomain:
      st = store_->AddDomain(&request.domain);
      entity = ToJson(request.domain);
      break;
    case Kind::kView: {
      View& view = request.view;
      // What the view file says is read from it, never taken from the request.
      view.key = 0;
      view.generation = 0;
      if (st = CheckMoniker(view.moniker); !st.ok()) break;
      json refusal;
      if (!CheckViewFile(&view, &refusal)) return refusal;
      st = store_->AddView(&view);
      entity = ToJson(view);
      break;
    }
    case Kind::kQuery:
      st = store_->AddQuery(&request.query);
      entity = ToJson(request.query);
      break;
  }
  if (!st.ok()) return RefusedFor(st);
  return {{"kind", KindName(*request.kind)}, {"added", entity}};
}

json CatalogService::Remove(const Request& request) {
  Status st;
  json entity;
  switch (*request.kind) {
    case Kind::kDomain: {
      Domain d;
      st = store_->RemoveDomain(request.moniker, &d);
      entity = ToJson(d);
      break;
    }
    case Kind::kView: {
      View v;
      st = store_->RemoveView(request.moniker, &v);
      entity = ToJson(v);
      break;
    }
    case Kind::kQuery: {
      SavedQuery q;
      st = store_->RemoveQuery(request.moniker, &q);
      entity = ToJson(q);
      break;
    }
  }
  if (!st.ok()) return RefusedFor(st);
  return {{"kind", KindName(*request.kind)}, {"removed", entity}};
}

}  // namespace datablox::catalog
