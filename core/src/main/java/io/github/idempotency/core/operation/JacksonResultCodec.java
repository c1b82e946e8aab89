package io.github.idempotency.core.operation;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.Objects;

/**
 * A {@link ResultCodec} writing JSON with a Jackson {@link ObjectMapper}. The type a record decodes
 * into is the one the caller names ({@link ResultType}); the bytes hold no type information.
 *
 * <p>Thread-safe, as its mapper is.
 */
public final class JacksonResultCodec implements ResultCodec {

    static final JacksonResultCodec DEFAULT = new JacksonResultCodec();

    private final ObjectMapper mapper;

    /**
     * A codec on a plain {@link JsonMapper} (records, beans, collections, maps; no modules, so
     * {@code java.time} and {@code Optional} values need {@link #JacksonResultCodec(ObjectMapper)}
     * with a mapper that has them), default typing off, and unknown properties ignored when
     * decoding, so a record stored before a field was removed from its class still replays.
     */
    public JacksonResultCodec() {
        this(JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build());
    }

    /**
     * @param mapper the mapper, for example the application's own with its modules; used as it is
     * @throws IllegalArgumentException if the mapper has default typing activated, which lets the
     *     stored bytes name the class to instantiate
     */
    public JacksonResultCodec(ObjectMapper mapper) {
        Objects.requireNonNull(mapper, "mapper");
        if (mapper.getDeserializationConfig().getDefaultTyper(mapper.constructType(Object.class)) != null) {
            throw new IllegalArgumentException("this ObjectMapper has default typing activated, which lets stored"
                    + " bytes choose the class they decode into; give the codec a mapper without it (the result"
                    + " type is named by the caller instead)");
        }
        this.mapper = mapper;
    }

    @Override
    public byte[] encode(Object value) throws IOException {
        return mapper.writeValueAsBytes(value);
    }

    @Override
    public <T> T decode(byte[] encoded, ResultType<T> type) throws IOException {
        JavaType javaType = mapper.getTypeFactory().constructType(type.type());
        return mapper.readValue(encoded, javaType);
    }
}
