// One implementation of every guest operation serves the sync, async and ignored variants: the
// constructor copies arguments out of the caller (Node thread), Run works inside the guest under its
// lock, Finish turns the outcome into a Node value back on the Node thread.
#pragma once

#include <memory>
#include <string>

#include <napi.h>

#include "isolate/environment.h"
#include "module/addon.h"
#include "transfer/transferable.h"

namespace isorun {

enum class Mode { kSync, kAsync, kIgnored };

// The JS name of a method in `mode`: "run", "runSync", "runIgnored".
inline std::string MethodName(Mode mode, const char* base) {
  return std::string(base) + (mode == Mode::kSync ? "Sync" : mode == Mode::kIgnored ? "Ignored" : "");
}

// Lets an async task keep its completion and finish later (a guest promise it waits for).
class TaskControl {
 public:
  explicit TaskControl(std::unique_ptr<Completion>* slot) : slot_(slot) {}
  bool can_suspend() const { return slot_ != nullptr; }
  std::unique_ptr<Completion> Detach() { return std::move(*slot_); }

 private:
  std::unique_ptr<Completion>* slot_;
};

class Task {
 public:
  virtual ~Task() = default;
  virtual void Run(Environment& env, TaskControl& control) = 0;
  // Default: the transferred result.
  virtual Napi::Value Finish(Napi::Env env);

  std::unique_ptr<Transferable> result;
  std::unique_ptr<Transferable> error;
};

// Runs `task` on `target` in `mode`: returns the value (sync), a Promise (async) or undefined.
Napi::Value Dispatch(Napi::Env env, const std::shared_ptr<Environment>& target, std::unique_ptr<Task> task, Mode mode);

}  // namespace isorun
