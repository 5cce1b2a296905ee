package dev.jobtrace.examples.export;

import java.util.ArrayList;
import java.util.List;

/**
 * An invoice as the export sends it: nested lines, items and taxes; bigger clients, bigger
 * documents.
 */
public final class InvoiceDocument {
  public long id;
  public String client;
  public List<Line> lines = new ArrayList<>();

  public static final class Line {
    public String description;
    public List<Item> items = new ArrayList<>();
  }

  public static final class Item {
    public String sku;
    public long quantity;
    public double price;
    public List<Tax> taxes = new ArrayList<>();
  }

  public static final class Tax {
    public String code;
    public double rate;
    public double amount;
  }

  /** The document for an invoice; its size grows with the invoice number. */
  static InvoiceDocument build(long id) {
    InvoiceDocument doc = new InvoiceDocument();
    doc.id = id;
    doc.client = "client-" + (id % 97);
    int lines = 5 + (int) (id % 40);
    for (int l = 0; l < lines; l++) {
      Line line = new Line();
      line.description = "service period " + l + " of invoice " + id;
      for (int i = 0; i < 6; i++) {
        Item item = new Item();
        item.sku = "SKU-" + (id * 31 + l * 7 + i);
        item.quantity = 1 + (l + i) % 9;
        item.price = 10.0 + (i * 3.5);
        for (int t = 0; t < 3; t++) {
          Tax tax = new Tax();
          tax.code = "T" + t;
          tax.rate = 0.05 * (t + 1);
          tax.amount = item.price * item.quantity * tax.rate;
          item.taxes.add(tax);
        }
        line.items.add(item);
      }
      doc.lines.add(line);
    }
    return doc;
  }
}
