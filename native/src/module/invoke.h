// The core shared by script.run and reference.apply: run guest code under the deadline, drain
// microtasks, settle the result (awaiting a promise when asked), classify failures.
#pragma once

#include <functional>
#include <memory>

#include "isolate/environment.h"
#include "module/task.h"
#include "transfer/error_copy.h"
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

// Why env.DefaultContext() came back empty: V8 makes no context while the isolate is being
// terminated (a dispose racing the task) or is out of memory.
std::unique_ptr<ErrorCopy> NoContextError(const Environment& env);

TransferSource GuestSource(Environment& env, v8::Local<v8::Context> context);
TransferTarget GuestTarget(Environment& env, v8::Local<v8::Context> context);

}  // namespace isorun
