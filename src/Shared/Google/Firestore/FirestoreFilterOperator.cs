namespace XeroSync.Google.Firestore;

/// <summary>Field filter operators of a structured query.</summary>
public enum FirestoreFilterOperator
{
    LessThan,
    LessThanOrEqual,
    GreaterThan,
    GreaterThanOrEqual,
    Equal,
    NotEqual,
    ArrayContains,
    In,
    ArrayContainsAny,
    NotIn,
}
