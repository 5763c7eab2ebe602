// SPDX-License-Identifier: GPL-2.0-only

#ifndef LLM_PROCESS_POOL_H
#define LLM_PROCESS_POOL_H

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace ns3
{

/**
 * @ingroup edge-llm
 * @brief Runs numbered tasks as child processes, N at a time, each started as soon as a slot
 *        frees; reports progress and collects the failures. Also writes such a task list as
 *        shell commands, for a cluster's scheduler.
 *
 * ns-3 has one simulator per process, so a program that runs many independent simulations
 * (a sweep) runs each in a process of its own: usually the program itself again, started from
 * its own argv[0] with a few more arguments. Processes are started with POSIX posix_spawnp
 * from an argument vector (no shell: any character in an argument is safe); a program name
 * without a slash is looked up in PATH, one with a slash is used as it is (relative to the
 * working directory, which children inherit).
 *
 * @code
 *   LlmProcessPool pool(4);
 *   auto failures = pool.Run(100, [&](std::size_t i) {
 *       return LlmProcessPool::Command{argv[0], "--run-index=" + std::to_string(i)};
 *   });
 * @endcode
 */
class LlmProcessPool
{
  public:
    /// An argument vector: the program, then its arguments.
    using Command = std::vector<std::string>;
    /// The command of task i.
    using CommandMaker = std::function<Command(std::size_t index)>;

    /// Exit code of a command that could not be found (as a shell says it).
    static constexpr int NOT_FOUND = 127;
    /// Exit code of a command found but not started (e.g. not executable).
    static constexpr int NOT_STARTED = 126;

    /// A task that did not exit with 0.
    struct Failure
    {
        std::size_t index{0}; //!< Task index
        int exitCode{0};      //!< Exit code; NOT_FOUND or NOT_STARTED; 128 + signal if killed
        std::string reason;   //!< For people: "exit code 1", "killed by signal 9 (Killed)", ...
    };

    /// Where a Run() stands.
    struct Progress
    {
        std::size_t done{0};      //!< Tasks finished (failed ones included)
        std::size_t total{0};     //!< Tasks in all
        std::size_t running{0};   //!< Tasks running now
        std::size_t failed{0};    //!< Tasks failed so far
        double elapsedSeconds{0}; //!< Since Run() started
        bool finished{false};     //!< Every task has finished: the last report
        bool stopped{false};      //!< Run() was stopped by a signal (with finished: the last)

        /**
         * @brief The progress for people: "3 / 8 runs done, 12 s elapsed, ETA 20 s" (and
         *        "1 failed" when some did), "8 / 8 runs done in 30 s" once finished, or
         *        "3 / 8 runs done, stopped after 12 s" when a signal stopped the run.
         * @param what the plural noun of the tasks
         * @return the text, one line without its newline
         */
        std::string ToText(const std::string& what = "tasks") const;
    };

    /**
     * @brief A pool of at most jobs processes at a time.
     * @param jobs the number of slots, at least 1
     * @throws LlmInputError if jobs is 0
     */
    explicit LlmProcessPool(uint32_t jobs);

    /// @return the number of slots
    uint32_t GetJobs() const;

    /**
     * @brief Have Run() report where it stands: once when it starts, then every interval, then
     *        once with Progress::finished set.
     * @param callback the function to call (empty: no reports)
     * @param interval the time between reports
     */
    void SetProgressCallback(std::function<void(const Progress&)> callback,
                             std::chrono::milliseconds interval = std::chrono::milliseconds(500));

    /**
     * @brief A progress callback that keeps one line on standard error up to date
     *        ("\r3 / 8 runs done, 12 s elapsed, ETA 20 s"), ended by a newline when finished.
     * @param what the plural noun of the tasks
     * @return the callback, for SetProgressCallback()
     */
    static std::function<void(const Progress&)> PrintProgress(const std::string& what);

    /**
     * @brief Run tasks 0 ... count − 1, at most GetJobs() at a time, in index order; return
     *        once every one has finished.
     *
     * After CatchStopSignals(), a SIGINT or SIGTERM to this process stops the run: no task is
     * started any more, the signal is sent on to every running task, Run() waits for them (a
     * task still running after StopGraceSeconds() gets SIGKILL) and returns; GetStopSignal()
     * then tells the signal. The tasks it ended are among the failures (exit code 128 +
     * signal), the tasks never started are not.
     *
     * @param count the number of tasks
     * @param command the command of each task
     * @return the tasks that did not exit with 0, by index
     */
    std::vector<Failure> Run(std::size_t count, const CommandMaker& command) const;

    /**
     * @brief From now on, SIGINT and SIGTERM to this process do not end it: the signal is
     *        recorded (GetStopSignal()) and a Run() under way stops its tasks and returns.
     *        The caller then ends itself (by convention with exit code 128 + the signal).
     *        A signal this process ignores (SIG_IGN, e.g. SIGINT of a background job) stays
     *        ignored. Child processes always start with the default action of both signals.
     */
    static void CatchStopSignals();

    /**
     * @brief Undo CatchStopSignals(): the handlers it replaced are back and a recorded
     *        signal is forgotten.
     */
    static void ReleaseStopSignals();

    /// @return SIGINT or SIGTERM if one arrived since CatchStopSignals(), else 0
    static int GetStopSignal();

    /// Time a task has to end after a stop signal was sent on to it, before SIGKILL, s.
    static constexpr double StopGraceSeconds() { return 5.0; }

    /**
     * @brief Run one command and wait for it.
     * @param command the argument vector
     * @param discardOutput send its standard output and error to /dev/null
     * @return its exit code; NOT_FOUND if the program was not found, NOT_STARTED if it could
     *         not be started otherwise, 128 + the signal if a signal ended it
     */
    static int Execute(const Command& command, bool discardOutput = false);

    /**
     * @brief An argument as one POSIX shell word: in single quotes, each ' written '\''.
     * @param argument the argument
     * @return the quoted word ('' for an empty argument)
     */
    static std::string Quote(const std::string& argument);

    /**
     * @brief A command as a shell command line, every argument quoted.
     * @param command the argument vector
     * @return the line, without a newline
     */
    static std::string ToShell(const Command& command);

    /**
     * @brief Write the commands of tasks 0 ... count − 1, one shell command line each (for
     *        GNU parallel, xargs, a SLURM array).
     * @param path the file
     * @param count the number of tasks
     * @param command the command of each task
     * @throws LlmInputError if the file cannot be written
     */
    static void WriteRunList(const std::string& path,
                             std::size_t count,
                             const CommandMaker& command);

  private:
    uint32_t m_jobs;                                 //!< Slots
    std::function<void(const Progress&)> m_progress; //!< Progress reports
    std::chrono::milliseconds m_interval{500};       //!< Time between reports
};

} // namespace ns3

#endif // LLM_PROCESS_POOL_H
