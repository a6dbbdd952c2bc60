package dev.tidewater.flight;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import java.util.List;
import java.util.function.Supplier;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.vector.types.pojo.Schema;

/** What every group of Flight SQL calls shares: tickets, flight infos and error mapping. */
final class FlightCalls {
  static final Schema NO_COLUMNS = new Schema(List.of());

  private FlightCalls() {}

  /** A flight of one endpoint whose ticket is the packed command. */
  static FlightInfo flightInfo(Schema schema, FlightDescriptor descriptor, Message ticket) {
    Ticket flightTicket = new Ticket(Any.pack(ticket).toByteArray());
    return new FlightInfo(schema, descriptor, List.of(new FlightEndpoint(flightTicket)), -1, -1);
  }

  /** Runs a call whose errors the caller throws: maps them to Flight statuses. */
  static <T> T guard(Supplier<T> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      throw FlightErrors.toFlight(e);
    }
  }

  static RuntimeException transactionsUnsupported() {
    return CallStatus.UNIMPLEMENTED
        .withDescription("Tidewater has no transactions: each statement commits on its own")
        .toRuntimeException();
  }
}
