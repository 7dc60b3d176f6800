#include "isolate/task_runner.h"

namespace isorun {

void GuestTaskRunner::PostTask(std::unique_ptr<v8::Task> task) { PostDelayedTask(std::move(task), 0); }

void GuestTaskRunner::PostNonNestableTask(std::unique_ptr<v8::Task> task) { PostDelayedTask(std::move(task), 0); }

void GuestTaskRunner::PostDelayedTask(std::unique_ptr<v8::Task> task, double delay_in_seconds) {
  if (auto sink = sink_.lock()) sink->PostPlatformTask(std::move(task), delay_in_seconds);
}

void GuestTaskRunner::PostNonNestableDelayedTask(std::unique_ptr<v8::Task> task, double delay_in_seconds) {
  PostDelayedTask(std::move(task), delay_in_seconds);
}

void GuestTaskRunner::PostIdleTask(std::unique_ptr<v8::IdleTask> task) {
  // Idle tasks are disabled (IdleTasksEnabled() is false); V8 does not post them.
}

}  // namespace isorun
