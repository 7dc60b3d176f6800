// The handle objects Node code holds (Reference, ExternalCopy, copyInto()/derefInto() values):
// making them from engine data and recognising them among JS values.
#pragma once

#include <initializer_list>
#include <memory>
#include <vector>

#include <napi.h>

#include "transfer/external_copy.h"
#include "transfer/transferable.h"

namespace isorun {

// The handle behind `object` as a value to pass along; null when `object` is not one of ours.
std::unique_ptr<Transferable> RecognizeHandle(Napi::Env env, Napi::Object object);

Napi::Object NewReferenceObject(Napi::Env env, std::shared_ptr<RemoteValue> value);
Napi::Object NewExternalCopyObject(Napi::Env env, std::shared_ptr<ExternalCopyData> data);
// `single_use`: the first pass takes the value out (derefInto(): the host must not keep the guest's
// value alive after handing it back).
Napi::Object NewTransferredObject(Napi::Env env, std::shared_ptr<Transferable> value, bool single_use = false);

// Distinct tags so that a handle of one class is never unwrapped as another.
extern const napi_type_tag kReferenceTag;
extern const napi_type_tag kExternalCopyTag;
extern const napi_type_tag kTransferredTag;
extern const napi_type_tag kContextTag;
extern const napi_type_tag kIsolateTag;

bool HasTag(Napi::Env env, Napi::Value value, const napi_type_tag& tag);
void Tag(Napi::Env env, Napi::Object object, const napi_type_tag& tag);
napi_value InternalToken(Napi::Env env);

// Getters on a class's prototype that check their receiver's tag before unwrapping it. V8 checks the
// receiver of a napi class's methods (they carry a signature) but not of its accessors: a getter of one
// class read through another class's instance unwrapped it as the wrong C++ type (a segfault).
struct ReceiverCheck {
  const napi_type_tag* tag;
  const char* message;  // the TypeError for any other receiver
};

template <class T, Napi::Value (T::*Getter)(const Napi::CallbackInfo&)>
Napi::Value CheckedGetter(const Napi::CallbackInfo& info) {
  const auto* check = static_cast<const ReceiverCheck*>(info.Data());
  if (!HasTag(info.Env(), info.This(), *check->tag)) throw Napi::TypeError::New(info.Env(), check->message);
  return (T::Unwrap(info.This().As<Napi::Object>())->*Getter)(info);
}

template <class T, Napi::Value (T::*Getter)(const Napi::CallbackInfo&)>
Napi::PropertyDescriptor CheckedAccessor(const char* name, const ReceiverCheck& check) {
  return Napi::PropertyDescriptor::Accessor<CheckedGetter<T, Getter>>(name, napi_default,
                                                                      const_cast<ReceiverCheck*>(&check));
}

// Adds `getters` (made by CheckedAccessor) to the prototype of the class `constructor`.
void DefineGetters(Napi::Function constructor, std::initializer_list<Napi::PropertyDescriptor> getters);

// Internal construction: handle classes take the addon's private token as their only argument, and
// their data from the addon's construction slot, filled right before (New() calls the constructor at
// once, with no JavaScript in between), so that user code cannot make a handle around arbitrary data.
// A slot instead of an External argument: an External with a finalizer cost Node's thread a weak
// handle and a heap allocation for every Context, Script and Reference it made.
void SetConstructing(Napi::Env env, std::shared_ptr<void> data, const void* type);
std::shared_ptr<void> TakeConstructing(Napi::Env env, const void* type);

template <class T>
const void* ConstructingType() {
  static const char key = 0;
  return &key;
}

template <class T>
std::vector<napi_value> InternalArgs(Napi::Env env, std::shared_ptr<T> data) {
  SetConstructing(env, std::move(data), ConstructingType<T>());
  return {InternalToken(env)};
}

template <class T>
std::shared_ptr<T> TakeInternalArgs(const Napi::CallbackInfo& info) {
  if (info.Length() != 1 || !info[0].StrictEquals(Napi::Value(info.Env(), InternalToken(info.Env())))) return nullptr;
  return std::static_pointer_cast<T>(TakeConstructing(info.Env(), ConstructingType<T>()));
}

}  // namespace isorun
