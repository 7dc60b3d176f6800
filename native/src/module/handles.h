// The handle objects Node code holds (Reference, ExternalCopy, copyInto()/derefInto() values):
// making them from engine data and recognising them among JS values.
#pragma once

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

bool HasTag(Napi::Env env, Napi::Value value, const napi_type_tag& tag);
void Tag(Napi::Env env, Napi::Object object, const napi_type_tag& tag);
napi_value InternalToken(Napi::Env env);

// Internal construction: handle classes take the addon's private token and an External with their data,
// so that user code cannot make a handle around arbitrary data.
template <class T>
std::vector<napi_value> InternalArgs(Napi::Env env, std::shared_ptr<T> data) {
  auto external = Napi::External<std::shared_ptr<T>>::New(env, new std::shared_ptr<T>(std::move(data)),
                                                          [](Napi::Env, std::shared_ptr<T>* held) { delete held; });
  return {InternalToken(env), external};
}

template <class T>
std::shared_ptr<T> TakeInternalArgs(const Napi::CallbackInfo& info) {
  if (info.Length() != 2 || !info[0].StrictEquals(Napi::Value(info.Env(), InternalToken(info.Env()))) ||
      !info[1].IsExternal())
    return nullptr;
  // Moved out: the External lives until Node's next GC and must not keep the handle's data alive.
  return std::move(*info[1].As<Napi::External<std::shared_ptr<T>>>().Data());
}

}  // namespace isorun
