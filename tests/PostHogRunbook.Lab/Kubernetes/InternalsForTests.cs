using System.Runtime.CompilerServices;

// The Kubernetes half's pieces (patches, selectors, the log script) are unit-tested directly by the engine tests.
[assembly: InternalsVisibleTo("PostHogRunbook.Engine.Tests")]
