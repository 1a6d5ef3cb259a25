// Thin HDF5 addon for partitioned-arrays' parallel IO (src/io/hdf5.ts). The library only handles
// metadata: part 0 creates a contiguous float64 dataset with its storage allocated at creation and
// returns where its bytes start in the file, so every part writes (and reads) its own byte range
// with positioned node:fs calls; datasets stored otherwise (chunked, compressed, another type) are
// read through the library by hyperslab. Every failure becomes a JS Error carrying HDF5's own
// message stack. Debian's serial libhdf5 is built thread-safe, so worker threads may call in.
#include <napi.h>
#include <hdf5.h>

#include <dlfcn.h>
#include <unistd.h>

#include <string>
#include <vector>

namespace {

// Collects HDF5's error stack into one line.
herr_t collect(unsigned n, const H5E_error2_t* error, void* data) {
  auto* text = static_cast<std::string*>(data);
  if (!text->empty()) *text += "; ";
  *text += error->desc != nullptr ? error->desc : "?";
  if (error->func_name != nullptr) *text += std::string(" (") + error->func_name + ")";
  (void)n;
  return 0;
}

[[noreturn]] void fail(const Napi::Env& env, const std::string& what) {
  std::string stack;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, collect, &stack);
  H5Eclear2(H5E_DEFAULT);
  throw Napi::Error::New(env, stack.empty() ? what : what + ": " + stack);
}

// Closes an HDF5 identifier when leaving scope.
struct Handle {
  hid_t id;
  herr_t (*close)(hid_t);
  Handle(hid_t i, herr_t (*c)(hid_t)) : id(i), close(c) {}
  ~Handle() {
    if (id >= 0) close(id);
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
};

hid_t checkId(const Napi::Env& env, hid_t id, const std::string& what) {
  if (id < 0) fail(env, what);
  return id;
}

void checkStatus(const Napi::Env& env, herr_t status, const std::string& what) {
  if (status < 0) fail(env, what);
}

std::vector<hsize_t> dimsOf(const Napi::Env& env, const Napi::Value& value) {
  if (!value.IsArray()) throw Napi::TypeError::New(env, "dims must be an array");
  auto array = value.As<Napi::Array>();
  std::vector<hsize_t> dims(array.Length());
  for (uint32_t i = 0; i < array.Length(); i++) dims[i] = static_cast<hsize_t>(array.Get(i).As<Napi::Number>().DoubleValue());
  return dims;
}

// createDataset(path, name, dims, attributes, truncate) -> byte offset of the data in the file.
// attributes: { name: number[] } written as int64 arrays on the dataset.
Napi::Value CreateDataset(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::string path = info[0].As<Napi::String>();
  const std::string name = info[1].As<Napi::String>();
  const std::vector<hsize_t> dims = dimsOf(env, info[2]);
  const Napi::Object attributes = info[3].As<Napi::Object>();
  const bool truncate = info[4].As<Napi::Boolean>();

  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  hid_t fileId;
  if (truncate) {
    fileId = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  } else {
    const bool exists = access(path.c_str(), F_OK) == 0;
    fileId = exists ? H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT)
                        : H5Fcreate(path.c_str(), H5F_ACC_EXCL, H5P_DEFAULT, H5P_DEFAULT);
  }
  Handle file(checkId(env, fileId, "cannot open " + path + " for writing"), H5Fclose);
  if (!truncate && H5Lexists(file.id, name.c_str(), H5P_DEFAULT) > 0) {
    checkStatus(env, H5Ldelete(file.id, name.c_str(), H5P_DEFAULT), "cannot replace the existing dataset");
  }
  Handle space(checkId(env, H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), "H5Screate_simple"), H5Sclose);
  Handle lcpl(checkId(env, H5Pcreate(H5P_LINK_CREATE), "H5Pcreate"), H5Pclose);
  checkStatus(env, H5Pset_create_intermediate_group(lcpl.id, 1), "H5Pset_create_intermediate_group");
  Handle dcpl(checkId(env, H5Pcreate(H5P_DATASET_CREATE), "H5Pcreate"), H5Pclose);
  checkStatus(env, H5Pset_layout(dcpl.id, H5D_CONTIGUOUS), "H5Pset_layout");
  checkStatus(env, H5Pset_alloc_time(dcpl.id, H5D_ALLOC_TIME_EARLY), "H5Pset_alloc_time");
  // the parts write every byte: no fill pass over the data by part 0
  checkStatus(env, H5Pset_fill_time(dcpl.id, H5D_FILL_TIME_NEVER), "H5Pset_fill_time");
  Handle dataset(checkId(env, H5Dcreate2(file.id, name.c_str(), H5T_IEEE_F64LE, space.id, lcpl.id, dcpl.id, H5P_DEFAULT),
                       "cannot create dataset " + name),
                 H5Dclose);
  const Napi::Array keys = attributes.GetPropertyNames();
  for (uint32_t k = 0; k < keys.Length(); k++) {
    const std::string key = keys.Get(k).As<Napi::String>();
    const Napi::Array values = attributes.Get(key).As<Napi::Array>();
    std::vector<int64_t> data(values.Length());
    for (uint32_t i = 0; i < values.Length(); i++) data[i] = values.Get(i).As<Napi::Number>().Int64Value();
    hsize_t count = data.size();
    Handle attrSpace(checkId(env, H5Screate_simple(1, &count, nullptr), "H5Screate_simple"), H5Sclose);
    Handle attr(checkId(env, H5Acreate2(dataset.id, key.c_str(), H5T_STD_I64LE, attrSpace.id, H5P_DEFAULT, H5P_DEFAULT),
                      "cannot create attribute " + key),
                H5Aclose);
    checkStatus(env, H5Awrite(attr.id, H5T_NATIVE_INT64, data.data()), "H5Awrite");
  }
  const haddr_t offset = H5Dget_offset(dataset.id);
  if (offset == HADDR_UNDEF) fail(env, "the new dataset has no storage address");
  return Napi::Number::New(env, static_cast<double>(offset));
}

// datasetInfo(path, name) -> { dims, offset (-1 unless contiguous little-endian float64 in the file itself), type }
Napi::Value DatasetInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::string path = info[0].As<Napi::String>();
  const std::string name = info[1].As<Napi::String>();
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  Handle file(checkId(env, H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), "not an HDF5 file or cannot open it"), H5Fclose);
  if (H5Lexists(file.id, name.c_str(), H5P_DEFAULT) <= 0) {
    H5Eclear2(H5E_DEFAULT);
    throw Napi::Error::New(env, "no dataset named " + name);
  }
  Handle dataset(checkId(env, H5Dopen2(file.id, name.c_str(), H5P_DEFAULT), "cannot open dataset " + name), H5Dclose);
  Handle space(checkId(env, H5Dget_space(dataset.id), "H5Dget_space"), H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(space.id);
  if (rank < 0) fail(env, "H5Sget_simple_extent_ndims");
  std::vector<hsize_t> dims(rank);
  H5Sget_simple_extent_dims(space.id, dims.data(), nullptr);
  Handle type(checkId(env, H5Dget_type(dataset.id), "H5Dget_type"), H5Tclose);
  const H5T_class_t typeClass = H5Tget_class(type.id);
  Handle dcpl(checkId(env, H5Dget_create_plist(dataset.id), "H5Dget_create_plist"), H5Pclose);
  double offset = -1;
  if (H5Tequal(type.id, H5T_IEEE_F64LE) > 0 && H5Pget_layout(dcpl.id) == H5D_CONTIGUOUS && H5Pget_external_count(dcpl.id) == 0) {
    const haddr_t address = H5Dget_offset(dataset.id);
    if (address != HADDR_UNDEF) offset = static_cast<double>(address);
  }
  H5Eclear2(H5E_DEFAULT);
  Napi::Object out = Napi::Object::New(env);
  Napi::Array dimsOut = Napi::Array::New(env, dims.size());
  for (size_t d = 0; d < dims.size(); d++) dimsOut.Set(static_cast<uint32_t>(d), Napi::Number::New(env, static_cast<double>(dims[d])));
  out.Set("dims", dimsOut);
  out.Set("offset", Napi::Number::New(env, offset));
  out.Set("numeric", Napi::Boolean::New(env, typeClass == H5T_FLOAT || typeClass == H5T_INTEGER));
  return out;
}

// readRows(path, name, first, count[, into]) -> Float64Array of rows first..first+count-1 (all
// columns), converted by the library (any numeric type, any layout or filter), read straight into
// `into` when given (it must hold exactly those values).
Napi::Value ReadRows(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::string path = info[0].As<Napi::String>();
  const std::string name = info[1].As<Napi::String>();
  const hsize_t first = static_cast<hsize_t>(info[2].As<Napi::Number>().DoubleValue());
  const hsize_t count = static_cast<hsize_t>(info[3].As<Napi::Number>().DoubleValue());
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  Handle file(checkId(env, H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), "cannot open " + path), H5Fclose);
  Handle dataset(checkId(env, H5Dopen2(file.id, name.c_str(), H5P_DEFAULT), "cannot open dataset " + name), H5Dclose);
  Handle space(checkId(env, H5Dget_space(dataset.id), "H5Dget_space"), H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(space.id);
  std::vector<hsize_t> dims(rank > 0 ? rank : 1, 1);
  if (rank > 0) H5Sget_simple_extent_dims(space.id, dims.data(), nullptr);
  size_t perRow = 1;
  for (int d = 1; d < rank; d++) perRow *= dims[d];
  Napi::Float64Array out;
  if (info.Length() > 4 && !info[4].IsUndefined()) {
    if (!info[4].IsTypedArray() || info[4].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array) {
      throw Napi::TypeError::New(env, "into must be a Float64Array");
    }
    out = info[4].As<Napi::Float64Array>();
    if (out.ElementLength() != count * perRow) throw Napi::RangeError::New(env, "into does not hold the rows read");
  } else {
    out = Napi::Float64Array::New(env, count * perRow);
  }
  if (count == 0) return out;
  std::vector<hsize_t> start(dims.size(), 0), block(dims);
  start[0] = first;
  block[0] = count;
  if (rank > 0) checkStatus(env, H5Sselect_hyperslab(space.id, H5S_SELECT_SET, start.data(), nullptr, block.data(), nullptr), "H5Sselect_hyperslab");
  Handle memory(checkId(env, H5Screate_simple(static_cast<int>(block.size()), block.data(), nullptr), "H5Screate_simple"), H5Sclose);
  checkStatus(env, H5Dread(dataset.id, H5T_NATIVE_DOUBLE, memory.id, rank > 0 ? space.id : H5S_ALL, H5P_DEFAULT, out.Data()), "H5Dread");
  return out;
}

// readAttribute(path, name, attribute) -> number[] or undefined when absent.
Napi::Value ReadAttribute(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::string path = info[0].As<Napi::String>();
  const std::string name = info[1].As<Napi::String>();
  const std::string key = info[2].As<Napi::String>();
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  Handle file(checkId(env, H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), "cannot open " + path), H5Fclose);
  Handle dataset(checkId(env, H5Dopen2(file.id, name.c_str(), H5P_DEFAULT), "cannot open dataset " + name), H5Dclose);
  if (H5Aexists(dataset.id, key.c_str()) <= 0) {
    H5Eclear2(H5E_DEFAULT);
    return env.Undefined();
  }
  Handle attr(checkId(env, H5Aopen(dataset.id, key.c_str(), H5P_DEFAULT), "H5Aopen"), H5Aclose);
  Handle space(checkId(env, H5Aget_space(attr.id), "H5Aget_space"), H5Sclose);
  const hssize_t n = H5Sget_simple_extent_npoints(space.id);
  std::vector<double> data(n > 0 ? n : 0);
  if (n > 0) checkStatus(env, H5Aread(attr.id, H5T_NATIVE_DOUBLE, data.data()), "H5Aread");
  Napi::Array out = Napi::Array::New(env, data.size());
  for (size_t i = 0; i < data.size(); i++) out.Set(static_cast<uint32_t>(i), Napi::Number::New(env, data[i]));
  return out;
}

// Node unloads an addon when the worker thread that loaded it ends, and libhdf5 with it, while the
// library's thread-local destructors (its thread-safe error stacks) still have to run at that
// thread's exit: a crash. Marking the addon and libhdf5 as never to be unloaded avoids it.
void pinLibraries() {
  Dl_info info;
  if (dladdr(reinterpret_cast<void*>(&H5open), &info) != 0 && info.dli_fname != nullptr) {
    dlopen(info.dli_fname, RTLD_NOW | RTLD_NODELETE | RTLD_NOLOAD);
  }
  if (dladdr(reinterpret_cast<void*>(&pinLibraries), &info) != 0 && info.dli_fname != nullptr) {
    dlopen(info.dli_fname, RTLD_NOW | RTLD_NODELETE | RTLD_NOLOAD);
  }
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  pinLibraries();
  exports.Set("createDataset", Napi::Function::New(env, CreateDataset));
  exports.Set("datasetInfo", Napi::Function::New(env, DatasetInfo));
  exports.Set("readRows", Napi::Function::New(env, ReadRows));
  exports.Set("readAttribute", Napi::Function::New(env, ReadAttribute));
  return exports;
}

}  // namespace

NODE_API_MODULE(pa_hdf5, Init)
