package io.fmq.server.selector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fmq.protocol.Dest;
import io.fmq.protocol.WireMessage;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SelectorTest {
    static final WireMessage MESSAGE;

    static {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("price", 12.5);
        p.put("quantity", 3);
        p.put("symbol", "FMQ");
        p.put("region", "EU_west");
        p.put("urgent", true);
        p.put("big", 10_000_000_000L);
        MESSAGE = new WireMessage("ID:42", Dest.queue("orders"), true, 6, 1000, 0, 0, "corr-1", null, "order", false, 2, p,
                WireMessage.BODY_TEXT, new byte[0]);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "price > 10 | true",
            "price > 10 AND quantity < 3 | false",
            "price > 10 OR quantity < 3 | true",
            "NOT (price > 10) | false",
            "quantity = 3 | true",
            "quantity = 3.0 | true",
            "quantity <> 3 | false",
            "price * quantity = 37.5 | true",
            "quantity / 2 = 1 | true",
            "-quantity < 0 | true",
            "quantity + 1 >= 4 | true",
            "big > 9999999999 | true",
            "symbol = 'FMQ' | true",
            "symbol = 'fmq' | false",
            "symbol <> 'X' | true",
            "symbol IN ('A', 'FMQ') | true",
            "symbol NOT IN ('A', 'FMQ') | false",
            "region LIKE 'EU%' | true",
            "region LIKE 'EU\\_%' ESCAPE '\\' | true",
            "region LIKE 'E_' | false",
            "region NOT LIKE '%east' | true",
            "quantity BETWEEN 1 AND 3 | true",
            "quantity NOT BETWEEN 1 AND 3 | false",
            "missing IS NULL | true",
            "symbol IS NOT NULL | true",
            "missing = 1 | false",
            "NOT (missing = 1) | false",
            "missing = 1 OR symbol = 'FMQ' | true",
            "missing = 1 AND symbol = 'FMQ' | false",
            "urgent | true",
            "urgent = TRUE | true",
            "NOT urgent | false",
            "symbol = 3 | false",
            "JMSPriority > 5 | true",
            "JMSDeliveryMode = 'PERSISTENT' | true",
            "JMSMessageID = 'ID:42' | true",
            "JMSCorrelationID = 'corr-1' AND JMSType = 'order' | true",
            "JMSTimestamp = 1000 | true",
            "JMSXDeliveryCount = 2 | true",
            "symbol = 'it''s' | false",
            "price = 1.25E1 | true",
            "TRUE | true",
            "FALSE OR (quantity = 3 AND (price < 20)) | true",
            "quantity / 0 = 1 | false",
            "035 = 29 | true",
            "0x1d = 29 | true",
            "0X1D = 29 | true",
            "0x1dL = 29 | true",
            "29L = 29 | true",
            "-9223372036854775808 < 0 | true",
            "-9223372036854775808L < big | true",
            "-9223372036854775808 + 1 = -9223372036854775807 | true",
            "1.5f < price | true",
            "7d = 7 | true",
            "1e1 = 10 | true",
            "12.5E0 = price | true",
            ".5 < 1 | true",
            "2e-1 < 1 | true",
            "-price < 0 | true",
            "myProp = 'x' OR TRUE | true",
    })
    void evaluates(String selector, boolean expected) throws Exception {
        assertThat(Selector.parse(selector).test(MESSAGE)).as(selector).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"price >", "price > 10 AND", "'unclosed", "symbol IN (1, 2)", "price LIKE 5", "(price > 1",
            "price > 1)", "symbol # 2", "1 + 2", "NOT price + 1", "x IS 5",
            // type errors found when the selector is parsed (strings and booleans compare only with = and <>)
            "myProp BETWEEN 'a' AND 'b'", "myProp > 'foo'", "'foo' >= TRUE", "TRUE = 0", "'a' = 1", "myProp < TRUE",
            "'a' + 1 = 2", "-'a' = 1", "myProp * FALSE = 0", "5 LIKE 'a'", "TRUE IN ('a')", "1 BETWEEN 0 AND 'x'",
            // numeric literals as in Java
            "9223372036854775808 > 1", "x = 09", "x = 0x", "x = 1e"})
    void invalidSelectorsAreRefusedWithAReason(String selector) {
        assertThatThrownBy(() -> Selector.parse(selector)).isInstanceOf(Selector.InvalidSelectorException.class)
                .hasMessageContaining("selector");
    }
}
