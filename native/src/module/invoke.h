// The core shared by script.run and reference.apply: run guest code under the deadline, drain
// microtasks, settle the result (awaiting a promise when asked), classify failures.
#pragma once

#include <functional>

#include "isolate/environment.h"
#include "module/task.h"
#include "transfer/transfer_out.h"

namespace isorun {

struct ResultOptions {
  TransferMode mode = TransferMode::kValue;
  bool promise = false;
};

// Under the Lock. An async task whose promise is still pending suspends: it completes when the
// promise settles during later work in this isolate, or fails when the deadline passes.
void Invoke(Environment& env, Task& task, TaskControl& control, v8::Local<v8::Context> context, uint64_t timeout_ms,
            ResultOptions options, const std::function<v8::MaybeLocal<v8::Value>()>& body);

TransferSource GuestSource(Environment& env, v8::Local<v8::Context> context);
TransferTarget GuestTarget(Environment& env, v8::Local<v8::Context> context);

}  // namespace isorun
