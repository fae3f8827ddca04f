// A Python view of pressed Brio blobs, for tests and tools: a schema loaded
// from its file, JSON lines pressed (nested, as NestedPresser presses
// them), and the reader over a region and its blobs: fields by name,
// scalars, strings through the blob's dictionary, vectors, maps, and
// to_dict() for tests. Views keep the bytes they read alive.
#include <pybind11/functional.h>
#include <pybind11/pybind11.h>

#include <memory>
#include <string>

#include "cell/brio/presser.h"
#include "cell/brio/reader.h"
#include "cell/brio/region.h"
#include "cell/brio/schema_parser.h"
#include "python/bindings/brio_python.h"
#include "python/bindings/module.h"

namespace py = pybind11;

namespace datablox::python {

namespace {

using brio::FieldKind;
using brio::ScalarType;

struct PySchema {
  brio::Schema schema;
  brio::SchemaLayout layout;
};

// A blob's bytes (a Python bytes object, kept referenced) and its view.
struct PyBlob {
  std::shared_ptr<PySchema> schema;
  py::bytes owner;
  brio::BlobView view;
};

struct PyStruct {
  std::shared_ptr<PyBlob> blob;
  brio::StructView view;
  const brio::Structure& structure() const {
    return blob->schema->schema.structures[static_cast<size_t>(view.structure())];
  }
};

py::object Scalar(const brio::ScalarArray& a, uint32_t i) {
  switch (a.type()) {
    case ScalarType::kBoolean: return py::bool_(a.GetBool(i));
    case ScalarType::kDouble: return py::float_(a.GetDouble(i));
    case ScalarType::kString: return py::str(std::string(a.GetString(i)));
    default: return py::int_(a.GetInt(i));
  }
}

// A field's value: None when null; a PyStruct for a reference, a list of them for a vector of structures.
py::object FieldValue(const PyStruct& s, int field) {
  const brio::Field& f = s.structure().fields[static_cast<size_t>(field)];
  if (s.view.IsNull(field)) return py::none();
  switch (f.kind) {
    case FieldKind::kScalar:
      switch (f.scalar) {
        case ScalarType::kBoolean: return py::bool_(s.view.GetBool(field));
        case ScalarType::kDouble: return py::float_(s.view.GetDouble(field));
        case ScalarType::kString: return py::str(std::string(s.view.GetString(field)));
        default: return py::int_(s.view.GetInt(field));
      }
    case FieldKind::kScalarVector: {
      const brio::ScalarArray items = s.view.GetScalars(field);
      py::list out;
      for (uint32_t i = 0; i < items.size(); ++i) out.append(Scalar(items, i));
      return out;
    }
    case FieldKind::kScalarMap: {
      const brio::ScalarArray keys = s.view.GetMapKeys(field), values = s.view.GetMapValues(field);
      py::dict out;
      for (uint32_t i = 0; i < keys.size(); ++i) out[Scalar(keys, i)] = Scalar(values, i);
      return out;
    }
    case FieldKind::kReference: return py::cast(PyStruct{s.blob, s.view.GetReference(field)});
    case FieldKind::kReferenceVector: {
      py::list out;
      for (brio::StructView item : s.view.GetStructs(field)) out.append(py::cast(PyStruct{s.blob, item}));
      return out;
    }
  }
  return py::none();
}

int FieldIndex(const PyStruct& s, const std::string& name) {
  const brio::Field* f = s.structure().FindField(name);
  if (f == nullptr) throw py::key_error(s.structure().name + " has no field '" + name + "'");
  return static_cast<int>(f - s.structure().fields.data());
}

// Depth first; the depth bounded as the presser bounds it (a validated blob is never deeper).
py::dict ToDict(const PyStruct& s, int depth) {
  if (depth > brio::kMaxTreeDepth) throw py::value_error("blob deeper than kMaxTreeDepth");
  py::dict out;
  for (size_t i = 0; i < s.structure().fields.size(); ++i) {
    const brio::Field& f = s.structure().fields[i];
    py::object v = FieldValue(s, static_cast<int>(i));
    if (f.kind == FieldKind::kReference && !v.is_none()) v = ToDict(v.cast<PyStruct>(), depth + 1);
    if (f.kind == FieldKind::kReferenceVector && !v.is_none()) {
      py::list items;
      for (py::handle item : v) items.append(ToDict(item.cast<PyStruct>(), depth + 1));
      v = std::move(items);
    }
    out[py::str(f.name)] = v;
  }
  return out;
}

// Calls fn(path, value) for every non-null scalar, vector and map, depth first; path is a tuple of names and indices.
void Visit(const PyStruct& s, const py::tuple& path, const std::function<void(py::tuple, py::object)>& fn, int depth) {
  if (depth > brio::kMaxTreeDepth) throw py::value_error("blob deeper than kMaxTreeDepth");
  for (size_t i = 0; i < s.structure().fields.size(); ++i) {
    const brio::Field& f = s.structure().fields[i];
    py::object v = FieldValue(s, static_cast<int>(i));
    const py::tuple here = path + py::make_tuple(f.name);
    if (f.kind == FieldKind::kReference && !v.is_none()) Visit(v.cast<PyStruct>(), here, fn, depth + 1);
    else if (f.kind == FieldKind::kReferenceVector && !v.is_none()) {
      size_t k = 0;
      for (py::handle item : v) Visit(item.cast<PyStruct>(), here + py::make_tuple(k++), fn, depth + 1);
    } else if (!v.is_none()) {
      fn(here, v);
    }
  }
}

std::shared_ptr<PyBlob> OpenBlob(std::shared_ptr<PySchema> schema, py::bytes owner, std::string_view bytes) {
  auto blob = std::make_shared<PyBlob>();
  blob->schema = std::move(schema);
  blob->owner = std::move(owner);
  if (Status st = brio::BlobView::Open(bytes, blob->schema->layout, &blob->view); !st.ok())
    throw py::value_error(st.ToString());
  return blob;
}

std::string_view BytesOf(const py::bytes& b) {
  char* data = nullptr;
  Py_ssize_t size = 0;
  PyBytes_AsStringAndSize(b.ptr(), &data, &size);
  return std::string_view(data, static_cast<size_t>(size));
}

class CollectRegion : public brio::BlobSink {
 public:
  void Add(std::string_view blob) override { writer.Add(blob); }
  brio::RegionWriter writer;
};

}  // namespace

void BindBrio(py::module_& parent) {
  py::module_ m = parent.def_submodule("brio", "Brio pressed blobs: a schema, pressing JSON lines, reading blobs");
  py::class_<PySchema, std::shared_ptr<PySchema>>(m, "Schema")
      .def_property_readonly("name", [](const PySchema& s) { return s.schema.name; })
      .def_property_readonly("version", [](const PySchema& s) { return s.schema.version; });
  m.def(
      "load_schema",
      [](const std::string& path) {
        std::vector<brio::SchemaError> errors;
        auto s = std::make_shared<PySchema>();
        s->schema = brio::LoadSchemaFile(path, &errors);
        if (!errors.empty()) throw py::value_error(errors.front().ToString());
        if (Status st = brio::SchemaLayout::Make(s->schema, &s->layout); !st.ok()) throw py::value_error(st.ToString());
        return s;
      },
      py::arg("path"), "A schema from its .brio file; a ValueError says FILE:LINE:COL of the first error.");
  m.def(
      "press_nested",
      [](std::shared_ptr<PySchema> schema, const std::string& text, const std::string& source) {
        brio::NestedPresser presser(schema->layout, {});
        CollectRegion sink;
        presser.PressLines(text, source, sink);
        const brio::PressStats& st = presser.stats();
        py::dict stats;
        stats["lines"] = st.lines;
        stats["items"] = st.items;
        stats["rejected"] = st.rejected();
        stats["wrong_type_fields"] = st.wrong_type_fields;
        stats["unknown_fields"] = st.unknown_fields;
        const std::string region = sink.writer.Finish();
        return py::make_tuple(py::bytes(region), stats);
      },
      py::arg("schema"), py::arg("text"), py::arg("source") = "python",
      "JSON lines, one root object a line, pressed into a region: (region bytes, stats dict).");

  py::class_<PyStruct>(m, "Struct")
      .def_property_readonly("structure", [](const PyStruct& s) { return s.structure().name; })
      .def_property_readonly("version", [](const PyStruct& s) { return s.view.version(); })
      .def("fields",
           [](const PyStruct& s) {
             py::list names;
             for (const brio::Field& f : s.structure().fields) names.append(f.name);
             return names;
           })
      .def(
          "is_null", [](const PyStruct& s, const std::string& name) { return s.view.IsNull(FieldIndex(s, name)); },
          py::arg("name"))
      .def(
          "__getitem__", [](const PyStruct& s, const std::string& name) { return FieldValue(s, FieldIndex(s, name)); },
          py::arg("name"))
      .def("to_dict", [](const PyStruct& s) { return ToDict(s, 0); })
      .def(
          "visit",
          [](const PyStruct& s, const std::function<void(py::tuple, py::object)>& fn) { Visit(s, py::tuple(), fn, 0); },
          py::arg("fn"), "fn(path, value) for every non-null scalar, vector and map, depth first.");

  py::class_<PyBlob, std::shared_ptr<PyBlob>>(m, "Blob")
      .def(py::init([](std::shared_ptr<PySchema> schema, py::bytes bytes) {
             return OpenBlob(std::move(schema), bytes, BytesOf(bytes));
           }),
           py::arg("schema"), py::arg("bytes"), "Checks the blob whole (a ValueError says where it is corrupt).")
      .def_property_readonly("version", [](const PyBlob& b) { return b.view.version(); })
      .def_property_readonly("size", [](const PyBlob& b) { return b.view.size(); })
      .def(
          "strings",
          [](const PyBlob& b) {
            py::list out;
            for (uint32_t k = 0; k < b.view.string_count(); ++k) out.append(py::str(std::string(b.view.String(k))));
            return out;
          },
          "The blob's dictionary, by key.")
      .def("root",
           [](std::shared_ptr<PyBlob> b) {
             return PyStruct{b, b->view.root()};
           })
      .def("to_dict", [](std::shared_ptr<PyBlob> b) {
        return ToDict(PyStruct{b, b->view.root()}, 0);
      });

  m.def(
      "region_blobs",
      [](std::shared_ptr<PySchema> schema, py::bytes region) {
        brio::RegionView view;
        const std::string_view bytes = BytesOf(region);
        if (Status st = brio::RegionView::Open(bytes, &view); !st.ok()) throw py::value_error(st.ToString());
        py::list blobs;
        for (uint64_t i = 0; i < view.blob_count(); ++i) blobs.append(OpenBlob(schema, region, view.BlobBytes(i)));
        return blobs;
      },
      py::arg("schema"), py::arg("region"), "Every blob of a region, each checked.");
}

}  // namespace datablox::python
