using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using PostHogRunbook.Lab;

namespace PostHogRunbook.Engine.Tests.Lab
{
    /// <summary>A lab hosted in-process for one test, with an HTTP client and the small helpers the lab tests share.</summary>
    sealed class RunningLab : IAsyncDisposable
    {
        RunningLab(LabHost host) => Host = host;

        public LabHost Host { get; }

        public LabEndpoints Endpoints => Host.Endpoints;

        public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(10) };

        public static async Task<RunningLab> StartAsync(string scenario = "healthy") =>
            new(await LabHost.StartAsync(new LabOptions(scenario, LatencyMs: 0, PodCount: 3, LogBytesPerPod: 0, StateDirectory: string.Empty), CancellationToken.None));

        public Task<HttpResponseMessage> GetAsync(string url) => Http.GetAsync(url);

        public Task<HttpResponseMessage> PostJsonAsync(string url, string json) =>
            Http.PostAsync(url, new StringContent(json, Encoding.UTF8, "application/json"));

        public Task<HttpResponseMessage> GetWithBearerAsync(string url, string token)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return Http.SendAsync(request);
        }

        public async Task SwitchScenarioAsync(string name)
        {
            using var response = await Http.PutAsync($"{Endpoints.ControlUrl}/_lab/scenario/{name}", null);
            response.EnsureSuccessStatusCode();
        }

        /// <summary>
        /// Waits until the lab has recorded a matching request: some records are written only when the lab notices
        /// that a client gave up. Polls briefly (a busy machine may take a while), never fails by itself.
        /// </summary>
        public async Task WaitForRequestAsync(Func<RequestRecord, bool> match)
        {
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (!Host.Context.Requests.Any(match) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }
        }

        public static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
        {
            using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            return document.RootElement.Clone();
        }

        public async ValueTask DisposeAsync()
        {
            Http.Dispose();
            await Host.DisposeAsync();
        }
    }
}
