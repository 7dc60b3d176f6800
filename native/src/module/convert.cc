#include "module/convert.h"

#include <cstring>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "module/addon.h"
#include "module/handles.h"

namespace isorun::convert {

namespace {

// In Node, a napi_value is a v8::Local<v8::Value> of the current isolate (node's js_native_api_v8).
v8::Local<v8::Value> ToV8(napi_value value) {
  v8::Local<v8::Value> local;
  static_assert(sizeof(local) == sizeof(value), "napi_value and v8::Local differ");
  std::memcpy(static_cast<void*>(&local), &value, sizeof(value));
  return local;
}

napi_value ToNapi(v8::Local<v8::Value> local) {
  napi_value value;
  std::memcpy(&value, static_cast<void*>(&local), sizeof(value));
  return value;
}

// Recognises and makes handle objects in Node's isolate.
class NodeBridge : public HandleBridge {
 public:
  explicit NodeBridge(Napi::Env env) : env_(env) {}

  std::unique_ptr<Transferable> Recognize(v8::Local<v8::Context> context, v8::Local<v8::Object> object) override {
    return RecognizeHandle(env_, Napi::Object(env_, ToNapi(object)));
  }

  v8::MaybeLocal<v8::Value> NewReference(v8::Local<v8::Context> context, std::shared_ptr<RemoteValue> value) override {
    return ToV8(NewReferenceObject(env_, std::move(value)));
  }

  v8::MaybeLocal<v8::Value> NewExternalCopy(v8::Local<v8::Context> context,
                                            std::shared_ptr<ExternalCopyData> data) override {
    return ToV8(NewExternalCopyObject(env_, std::move(data)));
  }

 private:
  Napi::Env env_;
};

// Node-isolate values that References point at. Release may come from any thread.
class HostTable : public HostValues {
 public:
  void Release(uint64_t id) override {
    std::lock_guard<std::mutex> lock(mutex_);
    released_.push_back(id);
  }

  uint64_t Add(v8::Isolate* isolate, v8::Local<v8::Value> value) override {
    Sweep();
    uint64_t id = next_id_++;
    values_[id].Reset(isolate, value);
    return id;
  }

  v8::Local<v8::Value> Get(v8::Isolate* isolate, uint64_t id) override {
    Sweep();
    auto found = values_.find(id);
    return found == values_.end() ? v8::Local<v8::Value>() : found->second.Get(isolate);
  }

 private:
  void Sweep() {
    std::vector<uint64_t> released;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      released.swap(released_);
    }
    for (uint64_t id : released) values_.erase(id);
  }

  std::mutex mutex_;
  std::vector<uint64_t> released_;
  uint64_t next_id_ = 1;
  std::unordered_map<uint64_t, v8::Global<v8::Value>> values_;
};

[[noreturn]] void ThrowCaught(Napi::Env env, v8::TryCatch& try_catch) {
  v8::Local<v8::Value> exception = try_catch.Exception();
  try_catch.Reset();
  if (exception.IsEmpty()) throw Napi::Error::New(env, "Script execution was terminated");
  throw Napi::Error(env, ToNapi(exception));
}

TransferSource NodeSource(Napi::Env env, NodeBridge* bridge) {
  v8::Isolate* isolate = v8::Isolate::GetCurrent();
  return TransferSource{isolate, isolate->GetCurrentContext(), bridge, nullptr, isorun::Addon::Of(env).host_values()};
}

}  // namespace

std::unique_ptr<Transferable> ToTransferable(Napi::Env env, Napi::Value value, TransferMode mode,
                                             const std::string& what) {
  NodeBridge bridge(env);
  TransferSource source = NodeSource(env, &bridge);
  v8::TryCatch try_catch(source.isolate);
  auto transferable = TransferOut(source, ToV8(value), mode, false);
  if (transferable) return transferable;
  try_catch.Reset();
  if (mode == TransferMode::kCopy) {
    throw Napi::TypeError::New(env, what + " could not be cloned");
  }
  throw Napi::TypeError::New(env, what +
                                      " is not transferable (pass a primitive, Reference, ExternalCopy, or the "
                                      "result of copyInto()/derefInto())");
}

Napi::Value FromTransferable(Napi::Env env, Transferable& value) {
  NodeBridge bridge(env);
  v8::Isolate* isolate = v8::Isolate::GetCurrent();
  v8::TryCatch try_catch(isolate);
  TransferTarget target{isolate, isolate->GetCurrentContext(), &bridge, nullptr};
  v8::Local<v8::Value> result;
  if (!value.TransferIn(target).ToLocal(&result)) ThrowCaught(env, try_catch);
  return Napi::Value(env, ToNapi(result));
}

std::shared_ptr<ExternalCopyData> ToExternalCopy(Napi::Env env, Napi::Value value, bool transfer,
                                                 const std::string& what) {
  v8::Isolate* isolate = v8::Isolate::GetCurrent();
  v8::TryCatch try_catch(isolate);
  std::string clone_error;
  auto data = ExternalCopyData::Create(isolate, isolate->GetCurrentContext(), ToV8(value), transfer, &clone_error);
  if (data) return data;
  // V8's clone errors name the value by its text (a function's whole source): say which argument it
  // was, and keep the text short. Errors the value's own code threw (a getter) pass unchanged.
  if (!clone_error.empty()) {
    if (clone_error.size() > 160) clone_error = clone_error.substr(0, 120) + "... could not be cloned.";
    try_catch.Reset();
    throw Napi::TypeError::New(env, what + " cannot be copied: " + clone_error);
  }
  ThrowCaught(env, try_catch);
}

Napi::Value FromExternalCopy(Napi::Env env, ExternalCopyData& data, bool transfer) {
  NodeBridge bridge(env);
  v8::Isolate* isolate = v8::Isolate::GetCurrent();
  v8::TryCatch try_catch(isolate);
  TransferTarget target{isolate, isolate->GetCurrentContext(), &bridge, nullptr};
  v8::Local<v8::Value> result;
  if (!data.CopyIn(target, transfer).ToLocal(&result)) ThrowCaught(env, try_catch);
  return Napi::Value(env, ToNapi(result));
}

std::shared_ptr<RemoteValue> HostReference(Napi::Env env, Napi::Value value) {
  NodeBridge bridge(env);
  return MakeRemote(NodeSource(env, &bridge), ToV8(value));
}

Napi::Value HostDeref(Napi::Env env, const RemoteValue& value) {
  v8::Local<v8::Value> local = value.host->Get(v8::Isolate::GetCurrent(), value.id);
  if (local.IsEmpty()) throw Napi::Error::New(env, "Reference has been released");
  return Napi::Value(env, ToNapi(local));
}

std::shared_ptr<HostValues> NewHostValues() { return std::make_shared<HostTable>(); }

}  // namespace isorun::convert
