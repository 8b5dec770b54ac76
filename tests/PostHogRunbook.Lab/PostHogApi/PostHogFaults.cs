using Microsoft.AspNetCore.Http;
using PostHogRunbook.Lab.Hosting;

namespace PostHogRunbook.Lab.PostHogApi
{
    /// <summary>The scenario behaviours that take over every PostHog path: throttling, 503s, silence.</summary>
    static class PostHogFaults
    {
        /// <summary>Answers the request and returns true when the behaviour is a fault; false lets the API answer.</summary>
        public static async Task<bool> TryAnswerAsync(HttpContext context, PostHogApiBehaviour behaviour)
        {
            switch (behaviour)
            {
                case PostHogApiBehaviour.RateLimited:
                    await PostHogErrors.ThrottledAsync(context);
                    return true;
                case PostHogApiBehaviour.ServerErrors:
                    await context.WriteTextAsync(StatusCodes.Status503ServiceUnavailable, LabResponses.Text, "transient error, please retry");
                    return true;
                case PostHogApiBehaviour.Hang:
                    await LabRequestTime.NeverAnswerAsync(context);
                    return true;
                default:
                    return false;
            }
        }
    }
}
