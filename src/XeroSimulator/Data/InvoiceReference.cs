namespace XeroSync.XeroSimulator.Data;

internal sealed record InvoiceReference(string InvoiceId, string InvoiceNumber, string Type, ContactReference Contact, decimal Total);
