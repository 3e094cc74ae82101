internal static class Placeholder;
