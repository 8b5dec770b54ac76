using PostHogRunbook.Engine.Configuration;
using PostHogRunbook.Model;
using Xunit;

namespace PostHogRunbook.Engine.Tests.Configuration
{
    public class TimeWindowTests
    {
        [Theory]
        [InlineData("5m", 300_000)]
        [InlineData("1m", 60_000)]
        [InlineData("30s", 30_000)]
        [InlineData("500ms", 500)]
        [InlineData("1h30m", 5_400_000)]
        [InlineData("2d", 172_800_000)]
        [InlineData(" 15m ", 900_000)]
        public void Reads_a_prometheus_duration(string text, long milliseconds)
        {
            Assert.True(TimeWindow.TryParse(text, out var window));
            Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), window.Duration);
            Assert.Equal(text.Trim(), window.Text);
        }

        [Theory]
        [InlineData("")]
        [InlineData("5")]
        [InlineData("5 m")]
        [InlineData("0s")]
        [InlineData("-1m")]
        [InlineData("30m1h")]
        [InlineData("1.5m")]
        [InlineData("five minutes")]
        [InlineData("99999999999999999999y")]
        public void Refuses_what_prometheus_would_refuse(string text)
        {
            Assert.False(TimeWindow.TryParse(text, out _));
        }

        [Theory]
        [InlineData("1m", "the last minute")]
        [InlineData("60s", "the last minute")]
        [InlineData("5s", "the last 5s")]
        [InlineData("2m", "the last 2m")]
        public void Says_the_window_as_a_person_would(string text, string phrase)
        {
            Assert.Equal(phrase, TimeWindow.PhraseOf(text));
        }

        [Fact]
        public void Defaults_to_five_minutes_and_the_last_minute()
        {
            var profile = RunbookProfile.Resolve(new Dictionary<string, string?>(), explicitConfigPath: null);

            Assert.Equal(TimeSpan.FromMinutes(5), profile.GetWindow(RunbookSetting.MetricsWindow).Duration);
            Assert.Equal(TimeSpan.FromMinutes(1), profile.GetWindow(RunbookSetting.RecentWindow).Duration);
        }

        [Fact]
        public void A_bad_window_is_InvalidSettingDuration_naming_the_setting_and_its_source()
        {
            var profile = RunbookProfile.Resolve(new Dictionary<string, string?> { ["RecentWindow"] = "a minute" }, explicitConfigPath: null);

            var failure = Assert.Throws<RunbookException>(() => profile.GetWindow(RunbookSetting.RecentWindow));

            Assert.Equal("InvalidSettingDuration", failure.ErrorId);
            Assert.Contains("RecentWindow ('a minute', from Parameter)", failure.Message, StringComparison.Ordinal);
        }
    }
}
