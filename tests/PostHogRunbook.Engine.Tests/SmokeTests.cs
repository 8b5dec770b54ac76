using PostHogRunbook.Lab;
using Xunit;

namespace PostHogRunbook.Engine.Tests
{
    public class LabScenarioTests
    {
        [Fact]
        public void Every_scenario_name_is_unique_and_findable()
        {
            var names = LabScenario.All.Select(s => s.Name).ToList();
            Assert.Equal(names.Count, names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
            foreach (var name in names)
            {
                Assert.Equal(name, LabScenario.Find(name.ToUpperInvariant()).Name);
            }
        }
    }
}
