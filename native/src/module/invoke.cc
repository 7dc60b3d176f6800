#include "module/invoke.h"

#include <chrono>

#include "isolate/run_guard.h"
#include "module/guest_bridge.h"
#include "transfer/error_copy.h"

namespace isorun {

std::unique_ptr<ErrorCopy> NoContextError(const Environment& env) {
  if (env.memory_exceeded()) return MemoryLimitError();
  return std::make_unique<ErrorCopy>("Error", env.disposed() ? env.disposed_message() : "Could not create a context");
}

TransferSource GuestSource(Environment& env, v8::Local<v8::Context> context) {
  return TransferSource{env.isolate(), context, &TheGuestBridge(), env.shared_from_this(), nullptr};
}

TransferTarget GuestTarget(Environment& env, v8::Local<v8::Context> context) {
  return TransferTarget{env.isolate(), context, &TheGuestBridge(), &env};
}

namespace {

// Sets the task's result from `value`, or its error when the value cannot cross.
void SettleValue(Environment& env, Task& task, v8::Local<v8::Context> context, v8::Local<v8::Value> value,
                 TransferMode mode) {
  v8::Isolate* isolate = env.isolate();
  v8::TryCatch try_catch(isolate);
  task.result = TransferOut(GuestSource(env, context), value, mode, mode == TransferMode::kValue);
  if (!task.result && try_catch.HasCaught()) {
    task.error = ErrorCopy::Capture(isolate, context, try_catch.Exception(), try_catch.Message());
  }
}

class PromiseWaiter : public Environment::Suspended {
 public:
  PromiseWaiter(std::unique_ptr<Completion> completion, TransferMode mode)
      : completion_(std::move(completion)), mode_(mode) {}

  void Settle(Environment& env, v8::Local<v8::Context> context, v8::Local<v8::Value> value, bool fulfilled) {
    Task& task = *completion_->task;
    if (fulfilled) {
      SettleValue(env, task, context, value, mode_);
    } else {
      task.error = ErrorCopy::Capture(env.isolate(), context, value, v8::Local<v8::Message>());
    }
    Deliver();
  }

  void Fail(std::unique_ptr<Transferable> error) {
    completion_->task->result.reset();
    completion_->task->error = std::move(error);
    Deliver();
  }

  void Cancel(const char* reason) override { Fail(DisposedErrorCopy(reason)); }

 private:
  void Deliver() {
    Addon* addon = completion_->addon;
    addon->PostCompletion(std::move(completion_));
  }

  std::unique_ptr<Completion> completion_;
  TransferMode mode_;
};

class SuspendedTimeoutJob : public Environment::Job {
 public:
  explicit SuspendedTimeoutJob(uint64_t id) : id_(id) {}
  void Run(Environment& env) override {
    auto op = env.TakeSuspended(id_);
    if (op) static_cast<PromiseWaiter*>(op.get())->Fail(TimeoutError());
  }
  void Cancel(const char*) override {}

 private:
  uint64_t id_;
};

template <bool fulfilled>
void OnSettled(const v8::FunctionCallbackInfo<v8::Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  Environment* env = Environment::From(isolate);
  auto op = env->TakeSuspended(info.Data().As<v8::BigInt>()->Uint64Value());
  if (!op) return;
  static_cast<PromiseWaiter*>(op.get())->Settle(*env, isolate->GetCurrentContext(), info[0], fulfilled);
}

bool Suspend(Environment& env, TaskControl& control, v8::Local<v8::Context> context, v8::Local<v8::Promise> promise,
             TransferMode mode, uint64_t remaining_ms, bool has_deadline) {
  v8::Isolate* isolate = env.isolate();
  uint64_t id = env.AddSuspended(std::make_unique<PromiseWaiter>(control.Detach(), mode));
  v8::Local<v8::Value> data = v8::BigInt::NewFromUnsigned(isolate, id);
  v8::Local<v8::Function> on_fulfilled;
  v8::Local<v8::Function> on_rejected;
  if (!v8::Function::New(context, &OnSettled<true>, data).ToLocal(&on_fulfilled) ||
      !v8::Function::New(context, &OnSettled<false>, data).ToLocal(&on_rejected) ||
      promise->Then(context, on_fulfilled, on_rejected).IsEmpty()) {
    return false;
  }
  if (has_deadline) {
    std::weak_ptr<Environment> weak = env.shared_from_this();
    env.services().timers->Schedule(TimerThread::Clock::now() + std::chrono::milliseconds(remaining_ms), [weak, id] {
      if (auto target = weak.lock()) {
        target->Post(std::make_unique<SuspendedTimeoutJob>(id));
      }
    });
  }
  return true;
}

}  // namespace

void Invoke(Environment& env, Task& task, TaskControl& control, v8::Local<v8::Context> context, uint64_t timeout_ms,
            ResultOptions options, const std::function<v8::MaybeLocal<v8::Value>()>& body) {
  v8::Isolate* isolate = env.isolate();
  v8::Context::Scope context_scope(context);
  uint64_t started = MonotonicNanos();
  RunGuard guard(env, timeout_ms);
  v8::TryCatch try_catch(isolate);
  v8::Local<v8::Value> value;
  bool suspended = false;
  if (body().ToLocal(&value)) {
    Environment::RunMicrotasks(context);
    if (options.promise && value->IsPromise() && !isolate->IsExecutionTerminating()) {
      v8::Local<v8::Promise> promise = value.As<v8::Promise>();
      switch (promise->State()) {
        case v8::Promise::kFulfilled:
          value = promise->Result();
          break;
        case v8::Promise::kRejected:
          promise->MarkAsHandled();
          task.error = ErrorCopy::Capture(isolate, context, promise->Result(), v8::Local<v8::Message>());
          break;
        case v8::Promise::kPending:
          if (!control.can_suspend()) {
            task.error = std::make_unique<ErrorCopy>(
                "Error", "The returned promise did not settle during a synchronous call; use the async method");
            break;
          }
          {
            uint64_t elapsed_ms = (MonotonicNanos() - started) / 1000000;
            uint64_t remaining = timeout_ms > elapsed_ms ? timeout_ms - elapsed_ms : 0;
            suspended = Suspend(env, control, context, promise, options.mode, remaining, timeout_ms > 0);
          }
          break;
      }
    }
    if (!suspended && !task.error && !isolate->IsExecutionTerminating()) {
      SettleValue(env, task, context, value, options.mode);
    }
  } else if (try_catch.HasCaught() && !try_catch.HasTerminated()) {
    task.error = ErrorCopy::Capture(isolate, context, try_catch.Exception(), try_catch.Message());
  }
  bool terminated = guard.timed_out() || env.memory_exceeded() || env.disposed() || try_catch.HasTerminated() ||
                    isolate->IsExecutionTerminating();
  if (terminated && !suspended) {
    task.result.reset();
    if (env.memory_exceeded()) {
      task.error = MemoryLimitError();
    } else if (guard.timed_out()) {
      task.error = TimeoutError();
    } else {
      task.error = DisposedErrorCopy(env.disposed_message());
    }
  }
}

}  // namespace isorun
