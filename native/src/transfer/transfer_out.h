// Turns a value of the entered isolate into a Transferable, by the documented transfer rules.
#pragma once

#include <memory>

#include "transfer/transferable.h"

namespace isorun {

enum class TransferMode {
  kValue,      // primitives and isorun handles only
  kCopy,       // structured clone of anything cloneable
  kReference,  // a Reference to the value
};

// The isolate a value comes from: a guest (`env`) or Node's (`host`).
struct TransferSource {
  v8::Isolate* isolate;
  v8::Local<v8::Context> context;
  HandleBridge* bridge;
  std::shared_ptr<Environment> env;
  std::shared_ptr<HostValues> host;
};

// Null with an exception pending when `value` cannot cross in `mode`. With `lenient`, a value that
// is not transferable in kValue mode becomes undefined (run()'s documented result rule).
std::unique_ptr<Transferable> TransferOut(const TransferSource& source, v8::Local<v8::Value> value, TransferMode mode,
                                          bool lenient);

std::shared_ptr<RemoteValue> MakeRemote(const TransferSource& source, v8::Local<v8::Value> value);

}  // namespace isorun
