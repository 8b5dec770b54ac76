using PostHogRunbook.Model;

namespace PostHogRunbook.Engine.Triage
{
    /// <summary>
    /// Hears about a triage while it runs. Called from worker threads: a cmdlet queues what it hears and writes
    /// it on the pipeline thread.
    /// </summary>
    public interface ITriageObserver
    {
        void CheckCompleted(string? context, TriageCheck check);

        void Verbose(string message);
    }
}
