// The classes Node code sees: Isolate, Context, Script, Reference, ExternalCopy, and the opaque
// values made by copyInto()/derefInto(). Each holds engine data and checks its arguments.
#pragma once

#include <memory>

#include <napi.h>

#include "isolate/environment.h"
#include "module/addon.h"
#include "module/invoke.h"
#include "module/task.h"
#include "transfer/external_copy.h"
#include "transfer/transferable.h"

namespace isorun {

void DefineClasses(Napi::Env env, Napi::Object exports, Addon& addon);

// `{ copy, reference, promise }` of run() and apply()'s `result`.
ResultOptions ParseResultOptions(Napi::Object options, const std::string& what);

// The live environment behind a handle, or an "Isolate is disposed" error.
Environment& Live(Napi::Env env, const std::shared_ptr<Environment>& target);

// (one number per heap statistics field) => the object getHeapStatistics returns: built once per addon
// from the field table in isolate_handle.cc, so names and values cannot fall out of order.
Napi::Function MakeHeapStatisticsObjectFunction(Napi::Env env);

class IsolateHandle : public Napi::ObjectWrap<IsolateHandle> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit IsolateHandle(const Napi::CallbackInfo& info);

 private:
  template <Mode mode>
  Napi::Value CompileScript(const Napi::CallbackInfo& info);
  template <Mode mode>
  Napi::Value CreateContext(const Napi::CallbackInfo& info);
  template <Mode mode>
  Napi::Value GetHeapStatistics(const Napi::CallbackInfo& info);
  template <Mode mode>
  Napi::Value GetUsedHeapSize(const Napi::CallbackInfo& info);
  Napi::Value Dispose(const Napi::CallbackInfo& info);
  Napi::Value IsDisposed(const Napi::CallbackInfo& info);
  Napi::Value CpuTime(const Napi::CallbackInfo& info);
  Napi::Value WallTime(const Napi::CallbackInfo& info);
  static Napi::Value CreateSnapshot(const Napi::CallbackInfo& info);

  std::shared_ptr<Environment> env_;
};

class ContextHandle : public Napi::ObjectWrap<ContextHandle> {
 public:
  struct Data {
    std::shared_ptr<Environment> env;
    uint64_t id;
    std::shared_ptr<RemoteValue> global;
    ~Data();
  };
  static Napi::Function Define(Napi::Env env);
  explicit ContextHandle(const Napi::CallbackInfo& info);
  // The context behind `value`, or a TypeError naming `what`.
  // "<method>: '<argument>' must be a Context" when it is not one.
  static std::shared_ptr<Data> FromValue(Napi::Value value, const std::string& method, const char* argument);

 private:
  Napi::Value Global(const Napi::CallbackInfo& info);
  Napi::Value Release(const Napi::CallbackInfo& info);

  std::shared_ptr<Data> data_;
  Napi::ObjectReference global_;
};

class ScriptHandle : public Napi::ObjectWrap<ScriptHandle> {
 public:
  struct Data {
    std::shared_ptr<Environment> env;
    uint64_t id;
    std::shared_ptr<ExternalCopyData> cached_data;  // produceCachedData
    bool cached_data_rejected = false;
    bool consumed_cache = false;
    ~Data();
  };
  static Napi::Function Define(Napi::Env env);
  explicit ScriptHandle(const Napi::CallbackInfo& info);

 private:
  template <Mode mode>
  Napi::Value Run(const Napi::CallbackInfo& info);
  Napi::Value Release(const Napi::CallbackInfo& info);

  std::shared_ptr<Data> data_;
};

class ReferenceHandle : public Napi::ObjectWrap<ReferenceHandle> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit ReferenceHandle(const Napi::CallbackInfo& info);
  const std::shared_ptr<RemoteValue>& value() const { return value_; }
  void Reset() { value_.reset(); }

 private:
  // A copy, not a reference to the member: argument parsing can run user code (getters, proxies) that
  // disposes this handle mid-call, and the call must keep what it started with.
  std::shared_ptr<RemoteValue> Checked(Napi::Env env, Mode mode) const;
  Napi::Value TypeOf(const Napi::CallbackInfo& info);
  template <Mode mode>
  Napi::Value Copy(const Napi::CallbackInfo& info);
  Napi::Value Deref(const Napi::CallbackInfo& info);
  Napi::Value DerefInto(const Napi::CallbackInfo& info);
  Napi::Value Dispose(const Napi::CallbackInfo& info);
  template <Mode mode>
  Napi::Value Get(const Napi::CallbackInfo& info);
  template <Mode mode>
  Napi::Value Set(const Napi::CallbackInfo& info);
  template <Mode mode>
  Napi::Value Apply(const Napi::CallbackInfo& info);

  std::shared_ptr<RemoteValue> value_;
};

class ExternalCopyHandle : public Napi::ObjectWrap<ExternalCopyHandle> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit ExternalCopyHandle(const Napi::CallbackInfo& info);
  const std::shared_ptr<ExternalCopyData>& data() const { return data_; }

 private:
  // A copy, for the same reason as ReferenceHandle::Checked.
  std::shared_ptr<ExternalCopyData> Checked(Napi::Env env) const;
  Napi::Value Copy(const Napi::CallbackInfo& info);
  Napi::Value CopyInto(const Napi::CallbackInfo& info);
  Napi::Value Dispose(const Napi::CallbackInfo& info);

  std::shared_ptr<ExternalCopyData> data_;
};

// What copyInto() and derefInto() return: opaque until passed into an isolate.
class TransferredHandle : public Napi::ObjectWrap<TransferredHandle> {
 public:
  static Napi::Function Define(Napi::Env env);
  struct Data {
    std::shared_ptr<Transferable> value;
    bool single_use = false;
  };
  explicit TransferredHandle(const Napi::CallbackInfo& info);
  const std::shared_ptr<Transferable>& value() const { return data_->value; }
  bool single_use() const { return data_->single_use; }
  std::shared_ptr<Transferable> Take() { return std::move(data_->value); }

 private:
  std::shared_ptr<Data> data_;
};

}  // namespace isorun
