package io.fmq.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fmq.protocol.Dest;
import jakarta.jms.MessageEOFException;
import jakarta.jms.MessageFormatException;
import jakarta.jms.MessageNotReadableException;
import jakarta.jms.MessageNotWriteableException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MessageTest {
    private static <T extends FmqMessage> T roundTrip(T m) throws Exception {
        @SuppressWarnings("unchecked")
        T back = (T) FmqMessage.fromWire(m.toWire(Dest.queue("q")));
        return back;
    }

    @Test
    void propertiesConvertAsTheSpecificationSays() throws Exception {
        FmqMessage m = new FmqMessage();
        m.setByteProperty("b", (byte) 3);
        m.setIntProperty("i", 70000);
        m.setStringProperty("s", "12");
        m.setFloatProperty("f", 1.5f);
        m.setBooleanProperty("flag", true);

        assertThat(m.getLongProperty("b")).isEqualTo(3L);
        assertThat(m.getShortProperty("b")).isEqualTo((short) 3);
        assertThat(m.getStringProperty("i")).isEqualTo("70000");
        assertThat(m.getIntProperty("s")).isEqualTo(12);
        assertThat(m.getDoubleProperty("f")).isEqualTo(1.5);
        assertThat(m.getStringProperty("flag")).isEqualTo("true");
        assertThat(m.getBooleanProperty("missing")).isFalse();
        assertThat(m.getStringProperty("missing")).isNull();
        assertThatThrownBy(() -> m.getByteProperty("i")).isInstanceOf(MessageFormatException.class);
        assertThatThrownBy(() -> m.getIntProperty("f")).isInstanceOf(MessageFormatException.class);
        assertThatThrownBy(() -> m.getIntProperty("missing")).isInstanceOf(NumberFormatException.class);
        assertThatThrownBy(() -> m.setObjectProperty("o", List.of())).isInstanceOf(MessageFormatException.class);
        assertThatThrownBy(() -> m.setIntProperty("", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> m.setIntProperty("AND", 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void receivedMessagesAreReadOnlyUntilCleared() throws Exception {
        FmqTextMessage m = new FmqTextMessage();
        m.setText("x");
        m.setIntProperty("p", 1);
        FmqTextMessage back = roundTrip(m);

        assertThatThrownBy(() -> back.setText("y")).isInstanceOf(MessageNotWriteableException.class);
        assertThatThrownBy(() -> back.setIntProperty("q", 1)).isInstanceOf(MessageNotWriteableException.class);
        back.clearBody();
        back.setText("y");
        back.clearProperties();
        back.setIntProperty("q", 2);
        assertThat(back.getText()).isEqualTo("y");
    }

    @Test
    void textNullAndEmptyStayDistinct() throws Exception {
        FmqTextMessage empty = new FmqTextMessage();
        empty.setText("");
        assertThat(roundTrip(empty).getText()).isEmpty();
        assertThat(roundTrip(new FmqTextMessage()).getText()).isNull();
    }

    @Test
    void bytesMessageReadsWhatWasWrittenAndSignalsTheEnd() throws Exception {
        FmqBytesMessage m = new FmqBytesMessage();
        m.writeLong(9L);
        m.writeUTF("\u00e9");
        assertThatThrownBy(m::readLong).isInstanceOf(MessageNotReadableException.class);
        m.reset();
        assertThat(m.readLong()).isEqualTo(9L);
        assertThat(m.readUTF()).isEqualTo("\u00e9");
        assertThatThrownBy(m::readByte).isInstanceOf(MessageEOFException.class);
        FmqBytesMessage back = roundTrip(m);
        assertThat(back.getBodyLength()).isEqualTo(8 + 2 + 2);
    }

    @Test
    void mapMessageConvertsValues() throws Exception {
        FmqMapMessage m = new FmqMapMessage();
        m.setShort("s", (short) 5);
        m.setBytes("b", new byte[] {1, 2, 3}, 1, 2);
        m.setChar("c", 'z');
        FmqMapMessage back = roundTrip(m);

        assertThat(back.getInt("s")).isEqualTo(5);
        assertThat(back.getBytes("b")).containsExactly(2, 3);
        assertThat(back.getChar("c")).isEqualTo('z');
        assertThat(back.getBody(Map.class)).containsKeys("s", "b", "c");
        assertThatThrownBy(() -> back.getBoolean("s")).isInstanceOf(MessageFormatException.class);
    }

    @Test
    void streamMessageLeavesAValueUnreadWhenItCannotConvert() throws Exception {
        FmqStreamMessage m = new FmqStreamMessage();
        m.writeString("abc");
        m.writeInt(4);
        FmqStreamMessage back = roundTrip(m);

        assertThatThrownBy(back::readInt).isInstanceOf(NumberFormatException.class);
        assertThat(back.readString()).isEqualTo("abc");
        assertThat(back.readLong()).isEqualTo(4L);
        assertThatThrownBy(back::readInt).isInstanceOf(MessageEOFException.class);
    }

    @Test
    void objectMessageRefusesClassesOffTheAllowList() throws Exception {
        FmqObjectMessage ok = new FmqObjectMessage();
        ok.setObject(new java.util.ArrayList<>(List.of(1, 2)));
        assertThat(roundTrip(ok).getObject()).isEqualTo(List.of(1, 2));

        FmqObjectMessage risky = new FmqObjectMessage();
        risky.setObject(new Custom());
        assertThatThrownBy(() -> roundTrip(risky).getObject()).isInstanceOf(MessageFormatException.class)
                .hasMessageContaining("allow-list");
    }

    static final class Custom implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
    }
}
