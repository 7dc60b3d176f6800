// The one seam between Node-API and V8: JS values of Node's isolate to and from Transferables.
// Nothing else in the addon mixes napi_value and v8::Local.
#pragma once

#include <memory>
#include <string>

#include <napi.h>

#include "transfer/external_copy.h"
#include "transfer/transfer_out.h"
#include "transfer/transferable.h"

namespace isorun::convert {

// A JS value as something that can enter a guest; throws a TypeError naming `what` when it cannot.
std::unique_ptr<Transferable> ToTransferable(Napi::Env env, Napi::Value value, TransferMode mode,
                                             const std::string& what);
// Makes `value` real in Node's isolate; throws the error raised while doing so.
Napi::Value FromTransferable(Napi::Env env, Transferable& value);

// `what` names the value in errors ("new ExternalCopy: 'value'").
std::shared_ptr<ExternalCopyData> ToExternalCopy(Napi::Env env, Napi::Value value, bool transfer,
                                                 const std::string& what);
Napi::Value FromExternalCopy(Napi::Env env, ExternalCopyData& data, bool transfer);

// References to values of Node's own isolate.
std::shared_ptr<RemoteValue> HostReference(Napi::Env env, Napi::Value value);
Napi::Value HostDeref(Napi::Env env, const RemoteValue& value);
std::shared_ptr<HostValues> NewHostValues();

}  // namespace isorun::convert
