using System.Collections.Generic;

namespace PostHogRunbook.Model
{
    /// <summary>The questions of the runbook's decision tree, in the order it may ask them.</summary>
    public enum DecisionQuestion
    {
        /// <summary>Could the triage reach anything at all? Asked only when nothing answered.</summary>
        TriageReach,
        PostHogErrorsNow,
        StatusPageDeclaresIncident,
        DominantError,
        ServiceHealthy,
        ErrorsEarlier,
        CheckUnavailable,
        Severity,
    }

    /// <summary>How a question was answered. Unknown: nothing that ran could answer it.</summary>
    public enum DecisionAnswer
    {
        Yes,
        No,
        Unknown,
        /// <summary>The question is answered by a value (the dominant error, the severity): see <see cref="DecisionStep.Value"/>.</summary>
        Value,
    }

    /// <summary>One fact that decided a step, and the check it came from (null: the decision's own reasoning).</summary>
    public sealed class DecisionEvidence
    {
        public DecisionEvidence(TriageCheckName? check, string fact)
        {
            Check = check;
            Fact = fact;
        }

        public TriageCheckName? Check { get; }

        public string Fact { get; }

        public override string ToString() => Fact;
    }

    /// <summary>
    /// One step of the path through the decision tree: the question, its answer, the evidence that decided it,
    /// and (for DominantError and Severity) the value chosen. <see cref="TriageReport.DecisionPath"/> is these,
    /// rendered as sentences.
    /// </summary>
    public sealed class DecisionStep
    {
        public DecisionStep(DecisionQuestion question, DecisionAnswer answer, string? value, IReadOnlyList<DecisionEvidence> evidence, string text)
        {
            Question = question;
            Answer = answer;
            Value = value;
            Evidence = evidence;
            Text = text;
        }

        public DecisionQuestion Question { get; }

        public DecisionAnswer Answer { get; }

        /// <summary>The status class for DominantError ("429"), the severity for Severity ("P1"); else null.</summary>
        public string? Value { get; }

        public IReadOnlyList<DecisionEvidence> Evidence { get; }

        /// <summary>The step as a sentence, as DecisionPath shows it.</summary>
        public string Text { get; }

        public override string ToString() => Text;
    }
}
