#include "module/task.h"

#include "module/convert.h"
#include "transfer/error_copy.h"
#include "transfer/primitive_copy.h"

namespace isorun {

namespace {

class TaskJob : public Environment::Job {
 public:
  explicit TaskJob(std::unique_ptr<Completion> completion) : completion_(std::move(completion)) {}

  void Run(Environment& env) override {
    TaskControl control(&completion_);
    completion_->task->Run(env, control);
    // A task that suspended took its completion and delivers it later.
    if (completion_) Deliver();
  }

  void Cancel(const char* reason) override {
    completion_->task->result.reset();
    completion_->task->error = DisposedErrorCopy(reason);
    Deliver();
  }

 private:
  void Deliver() {
    Addon* addon = completion_->addon;
    addon->PostCompletion(std::move(completion_));
  }

  std::unique_ptr<Completion> completion_;
};

}  // namespace

Napi::Value Task::Finish(Napi::Env env) {
  if (!result) return env.Undefined();
  return convert::FromTransferable(env, *result);
}

Napi::Value Dispatch(Napi::Env env, const std::shared_ptr<Environment>& target, std::unique_ptr<Task> task, Mode mode) {
  if (target->disposed()) {
    // Async variants report it the way they report everything: through the promise.
    if (mode != Mode::kAsync) throw Napi::Error::New(env, target->disposed_message());
    auto deferred = Napi::Promise::Deferred::New(env);
    deferred.Reject(Napi::Error::New(env, target->disposed_message()).Value());
    return deferred.Promise();
  }
  if (mode == Mode::kSync) {
    try {
      Environment::Lock lock(*target);
      TaskControl control(nullptr);
      task->Run(*target, control);
    } catch (const DisposedError& error) {
      throw Napi::Error::New(env, error.what());
    } catch (const ReentryError& error) {
      throw Napi::Error::New(env, error.what());
    }
    if (target->memory_exceeded()) target->Dispose();
    if (task->error) throw Napi::Error(env, convert::FromTransferable(env, *task->error));
    return task->Finish(env);
  }
  Addon& addon = Addon::Of(env);
  auto completion = std::make_unique<Completion>();
  completion->task = std::move(task);
  completion->addon = &addon;
  Napi::Value returned = env.Undefined();
  if (mode == Mode::kAsync) {
    napi_value promise;
    NAPI_THROW_IF_FAILED(env, napi_create_promise(env, &completion->deferred, &promise), Napi::Value());
    returned = Napi::Value(env, promise);
  }
  addon.BeginAsync(mode == Mode::kAsync);
  target->Post(std::make_unique<TaskJob>(std::move(completion)));
  return returned;
}

}  // namespace isorun
