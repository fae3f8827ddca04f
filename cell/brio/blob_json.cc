#include "cell/brio/blob_json.h"

#include <cstdio>

namespace datablox::brio {

namespace {

void AppendString(std::string_view s, std::string* out) {
  out->push_back('"');
  for (char c : s) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(c);
    } else if (u < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", u);
      out->append(buf);
    } else {
      out->push_back(c);
    }
  }
  out->push_back('"');
}

void AppendDouble(double d, std::string* out) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", d);
  out->append(buf);
}

void AppendItem(const ScalarArray& a, uint32_t i, std::string* out) {
  switch (a.type()) {
    case ScalarType::kBoolean: out->append(a.GetBool(i) ? "true" : "false"); break;
    case ScalarType::kDouble: AppendDouble(a.GetDouble(i), out); break;
    case ScalarType::kString: AppendString(a.GetString(i), out); break;
    default: out->append(std::to_string(a.GetInt(i)));
  }
}

}  // namespace

void AppendJson(const StructView& view, std::string* out) {
  const Structure& s = view.blob_schema().structures[static_cast<size_t>(view.structure())];
  out->push_back('{');
  for (size_t i = 0; i < s.fields.size(); ++i) {
    const Field& f = s.fields[i];
    const int field = static_cast<int>(i);
    if (i > 0) out->push_back(',');
    AppendString(f.name, out);
    out->push_back(':');
    if (view.IsNull(field)) {
      out->append("null");
      continue;
    }
    switch (f.kind) {
      case FieldKind::kScalar:
        switch (f.scalar) {
          case ScalarType::kBoolean: out->append(view.GetBool(field) ? "true" : "false"); break;
          case ScalarType::kDouble: AppendDouble(view.GetDouble(field), out); break;
          case ScalarType::kString: AppendString(view.GetString(field), out); break;
          default: out->append(std::to_string(view.GetInt(field)));
        }
        break;
      case FieldKind::kScalarVector: {
        const ScalarArray items = view.GetScalars(field);
        out->push_back('[');
        for (uint32_t k = 0; k < items.size(); ++k) {
          if (k > 0) out->push_back(',');
          AppendItem(items, k, out);
        }
        out->push_back(']');
        break;
      }
      case FieldKind::kScalarMap: {
        const ScalarArray keys = view.GetMapKeys(field);
        const ScalarArray values = view.GetMapValues(field);
        out->push_back('{');
        for (uint32_t k = 0; k < keys.size(); ++k) {
          if (k > 0) out->push_back(',');
          if (keys.type() == ScalarType::kString) {
            AppendItem(keys, k, out);
          } else {
            std::string key;
            AppendItem(keys, k, &key);
            AppendString(key, out);
          }
          out->push_back(':');
          AppendItem(values, k, out);
        }
        out->push_back('}');
        break;
      }
      case FieldKind::kReference: AppendJson(view.GetReference(field), out); break;
      case FieldKind::kReferenceVector: {
        out->push_back('[');
        bool first = true;
        for (StructView item : view.GetStructs(field)) {
          if (!first) out->push_back(',');
          first = false;
          AppendJson(item, out);
        }
        out->push_back(']');
        break;
      }
    }
  }
  out->push_back('}');
}

}  // namespace datablox::brio
