/// Placeholder; replaced by the model.
public enum VigilModelPlaceholder {}
