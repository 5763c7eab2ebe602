// SPDX-License-Identifier: GPL-2.0-only

#include "llm-process-pool.h"

#include "ns3/llm-input-error.h"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <map>
#include <spawn.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <thread>

#ifdef __APPLE__
#    include <crt_externs.h>
#    define EDGE_LLM_ENVIRON (*_NSGetEnviron()) // a shared library has no direct environ on macOS
#else
extern char** environ;
#    define EDGE_LLM_ENVIRON environ
#endif

namespace ns3
{

namespace
{

/// The stop signal caught since CatchStopSignals() (0: none).
volatile std::sig_atomic_t g_stopSignal = 0;

/// The signals CatchStopSignals() catches.
constexpr int kStopSignals[] = {SIGINT, SIGTERM};

/// The actions CatchStopSignals() replaced, and whether it did.
struct sigaction g_previous[2];
/// Whether CatchStopSignals() installed its handler for kStopSignals[k].
bool g_caught[2] = {false, false};

/// Record a stop signal (async-signal-safe: one store).
void
OnStopSignal(int sig)
{
    g_stopSignal = sig;
}

/**
 * Start a command without waiting for it.
 * @param command the argument vector
 * @param discardOutput send standard output and error to /dev/null
 * @param error set to the errno value of a failed start, else 0
 * @return the child's process id, or -1
 */
pid_t
Spawn(const LlmProcessPool::Command& command, bool discardOutput, int& error)
{
    if (command.empty() || command.front().empty())
    {
        error = ENOENT;
        return -1;
    }
    std::vector<char*> argv;
    for (const std::string& a : command)
    {
        argv.push_back(const_cast<char*>(a.c_str()));
    }
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    if (discardOutput)
    {
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    }
    // The child takes the default action of the stop signals, even where this process ignores
    // them (a background job ignores SIGINT): a stop sent on to it ends it.
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    sigset_t defaults;
    sigemptyset(&defaults);
    for (int sig : kStopSignals)
    {
        sigaddset(&defaults, sig);
    }
    posix_spawnattr_setsigdefault(&attributes, &defaults);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF);
    pid_t pid = -1;
    error = posix_spawnp(&pid, argv[0], &actions, &attributes, argv.data(), EDGE_LLM_ENVIRON);
    posix_spawnattr_destroy(&attributes);
    posix_spawn_file_actions_destroy(&actions);
    return error == 0 ? pid : -1;
}

/// The exit code of a finished child as a shell gives it (128 + signal if a signal ended it).
int
ExitCode(int status)
{
    if (WIFEXITED(status))
    {
        return WEXITSTATUS(status);
    }
    if (WIFSIGNALED(status))
    {
        return 128 + WTERMSIG(status);
    }
    return LlmProcessPool::NOT_STARTED;
}

/// A failed child's status for people.
std::string
Reason(int status)
{
    if (WIFSIGNALED(status))
    {
        const int sig = WTERMSIG(status);
        const char* name = strsignal(sig);
        return "killed by signal " + std::to_string(sig)
               + (name ? std::string(" (") + name + ")" : "");
    }
    const int code = ExitCode(status);
    return "exit code " + std::to_string(code)
           + (code == LlmProcessPool::NOT_FOUND ? " (command not found?)" : "");
}

} // namespace

std::string
LlmProcessPool::Progress::ToText(const std::string& what) const
{
    char buf[256];
    if (stopped)
    {
        std::snprintf(buf,
                      sizeof(buf),
                      "%zu / %zu %s done, stopped after %.0f s",
                      done,
                      total,
                      what.c_str(),
                      elapsedSeconds);
    }
    else if (finished)
    {
        std::snprintf(buf,
                      sizeof(buf),
                      "%zu / %zu %s done in %.0f s",
                      done,
                      total,
                      what.c_str(),
                      elapsedSeconds);
    }
    else
    {
        const double eta = done ? elapsedSeconds * (total - done) / done : 0.0;
        std::snprintf(buf,
                      sizeof(buf),
                      "%zu / %zu %s done, %.0f s elapsed, ETA %.0f s",
                      done,
                      total,
                      what.c_str(),
                      elapsedSeconds,
                      eta);
    }
    std::string text = buf;
    if (failed > 0)
    {
        text += ", " + std::to_string(failed) + " failed";
    }
    return text;
}

LlmProcessPool::LlmProcessPool(uint32_t jobs)
    : m_jobs(jobs)
{
    if (jobs == 0)
    {
        throw LlmInputError("command line", "--jobs", "expected at least 1");
    }
}

uint32_t
LlmProcessPool::GetJobs() const
{
    return m_jobs;
}

void
LlmProcessPool::SetProgressCallback(std::function<void(const Progress&)> callback,
                                    std::chrono::milliseconds interval)
{
    m_progress = std::move(callback);
    m_interval = interval;
}

std::function<void(const LlmProcessPool::Progress&)>
LlmProcessPool::PrintProgress(const std::string& what)
{
    return [what](const Progress& p) {
        // Padded, so that a shorter line covers the longer one before it.
        std::fprintf(stderr, "\r%-64s%s", p.ToText(what).c_str(), p.finished ? "\n" : "");
        std::fflush(stderr);
    };
}

std::vector<LlmProcessPool::Failure>
LlmProcessPool::Run(std::size_t count, const CommandMaker& command) const
{
    using Clock = std::chrono::steady_clock;
    std::vector<Failure> failures;
    std::map<pid_t, std::size_t> running; // child → task index
    std::size_t next = 0;
    std::size_t done = 0;
    const Clock::time_point start = Clock::now();
    Clock::time_point lastReport = start - m_interval;
    auto report = [&](bool finished) {
        Progress p;
        p.done = done;
        p.total = count;
        p.running = running.size();
        p.failed = failures.size();
        p.elapsedSeconds = std::chrono::duration<double>(Clock::now() - start).count();
        p.finished = finished;
        p.stopped = finished && g_stopSignal != 0;
        m_progress(p);
    };
    // Reap a finished child: a failure if it did not exit with 0.
    auto reaped = [&](std::map<pid_t, std::size_t>::iterator it, pid_t r, int status) {
        if (r < 0)
        {
            failures.push_back(
                {it->second, NOT_STARTED, std::string("lost: ") + std::strerror(errno)});
        }
        else if (ExitCode(status) != 0)
        {
            failures.push_back({it->second, ExitCode(status), Reason(status)});
        }
        ++done;
        return running.erase(it);
    };
    try
    {
        while (next < count || !running.empty())
        {
            if (g_stopSignal != 0)
            {
                // Stopped: send the signal on, wait for every task (SIGKILL after the grace).
                const int sig = g_stopSignal;
                for (const auto& [pid, index] : running)
                {
                    kill(pid, sig);
                }
                const Clock::time_point deadline =
                    Clock::now()
                    + std::chrono::duration_cast<Clock::duration>(
                        std::chrono::duration<double>(StopGraceSeconds()));
                bool killed = false;
                while (!running.empty())
                {
                    if (!killed && Clock::now() >= deadline)
                    {
                        for (const auto& [pid, index] : running)
                        {
                            kill(pid, SIGKILL);
                        }
                        killed = true;
                    }
                    for (auto it = running.begin(); it != running.end();)
                    {
                        int status = 0;
                        const pid_t r = waitpid(it->first, &status, WNOHANG);
                        it = (r == 0 || (r < 0 && errno == EINTR)) ? std::next(it)
                                                                   : reaped(it, r, status);
                    }
                    if (!running.empty())
                    {
                        std::this_thread::sleep_for(std::chrono::milliseconds(10));
                    }
                }
                break;
            }
            // Fill the free slots; runs differ a lot in length, so a slot never waits for
            // another.
            while (running.size() < m_jobs && next < count)
            {
                int error = 0;
                const pid_t pid = Spawn(command(next), false, error);
                if (pid < 0)
                {
                    failures.push_back({next,
                                        error == ENOENT ? NOT_FOUND : NOT_STARTED,
                                        std::string("not started: ") + std::strerror(error)});
                    ++done;
                }
                else
                {
                    running[pid] = next;
                }
                ++next;
            }
            // Reap our own children only (waitpid(-1) would take other children's status).
            bool any = false;
            for (auto it = running.begin(); it != running.end();)
            {
                int status = 0;
                const pid_t r = waitpid(it->first, &status, WNOHANG);
                if (r == 0 || (r < 0 && errno == EINTR))
                {
                    ++it;
                    continue;
                }
                it = reaped(it, r, status);
                any = true;
            }
            const Clock::time_point now = Clock::now();
            if (m_progress && now - lastReport >= m_interval)
            {
                lastReport = now;
                report(false);
            }
            if (!any)
            {
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
            }
        }
    }
    catch (...)
    {
        // The command maker threw: leave no child behind.
        for (const auto& [pid, index] : running)
        {
            int status = 0;
            while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            {
            }
        }
        throw;
    }
    if (m_progress)
    {
        report(true);
    }
    std::sort(failures.begin(), failures.end(), [](const Failure& a, const Failure& b) {
        return a.index < b.index;
    });
    return failures;
}

void
LlmProcessPool::CatchStopSignals()
{
    for (std::size_t k = 0; k < 2; ++k)
    {
        if (g_caught[k])
        {
            continue;
        }
        struct sigaction current;
        sigaction(kStopSignals[k], nullptr, &current);
        if (current.sa_handler == SIG_IGN)
        {
            continue; // ignored on purpose (nohup, a background job): leave it so
        }
        struct sigaction action;
        std::memset(&action, 0, sizeof(action));
        action.sa_handler = &OnStopSignal;
        sigemptyset(&action.sa_mask);
        action.sa_flags = 0; // no SA_RESTART: a blocking wait returns with EINTR
        if (sigaction(kStopSignals[k], &action, &g_previous[k]) == 0)
        {
            g_caught[k] = true;
        }
    }
}

void
LlmProcessPool::ReleaseStopSignals()
{
    for (std::size_t k = 0; k < 2; ++k)
    {
        if (g_caught[k])
        {
            sigaction(kStopSignals[k], &g_previous[k], nullptr);
            g_caught[k] = false;
        }
    }
    g_stopSignal = 0;
}

int
LlmProcessPool::GetStopSignal()
{
    return g_stopSignal;
}

int
LlmProcessPool::Execute(const Command& command, bool discardOutput)
{
    int error = 0;
    const pid_t pid = Spawn(command, discardOutput, error);
    if (pid < 0)
    {
        return error == ENOENT ? NOT_FOUND : NOT_STARTED;
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0)
    {
        if (errno != EINTR)
        {
            return NOT_STARTED;
        }
    }
    return ExitCode(status);
}

std::string
LlmProcessPool::Quote(const std::string& argument)
{
    std::string quoted = "'";
    for (char c : argument)
    {
        if (c == '\'')
        {
            quoted += "'\\''";
        }
        else
        {
            quoted += c;
        }
    }
    return quoted + "'";
}

std::string
LlmProcessPool::ToShell(const Command& command)
{
    std::string line;
    for (const std::string& a : command)
    {
        line += (line.empty() ? "" : " ") + Quote(a);
    }
    return line;
}

void
LlmProcessPool::WriteRunList(const std::string& path,
                             std::size_t count,
                             const CommandMaker& command)
{
    std::ofstream list(path);
    for (std::size_t i = 0; i < count && list; ++i)
    {
        list << ToShell(command(i)) << "\n";
    }
    list.close();
    if (!list)
    {
        throw LlmInputError(path, "", "cannot write the file");
    }
}

} // namespace ns3
