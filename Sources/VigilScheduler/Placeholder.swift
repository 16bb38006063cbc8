import VigilModel
/// Placeholder.
public enum VigilSchedulerPlaceholder {}
