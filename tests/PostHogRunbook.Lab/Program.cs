// PLACEHOLDER: the HTTP half of the lab replaces this with the real host.
System.Console.WriteLine("{}");
